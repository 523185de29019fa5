/**
 * A list that nearly always holds one item, kept as that item alone until a second one comes. The
 * index holds such lists by the tens of thousands (the files under a name, the notes linking
 * through a group, the names a group waits on and the groups waiting on a name), and each array is
 * two more objects that live as long as the index, which the GC copies while a scan runs: plain
 * arrays made a cold scan markedly slower (see the commit that kept this).
 * Items are objects and never arrays themselves. Order is kept.
 */
export type Few<T extends object> = T | T[] | undefined;

export function fewAdd<T extends object>(list: Few<T>, item: T): T | T[] {
  if (list === undefined) return item;
  if (!Array.isArray(list)) return [list, item];
  const length = list.length;
  if (length >= 8) {
    list.push(item);
    return list;
  }
  // A push grows an array to at least 17 slots (V8 adds half plus 16); short lists are copied at
  // their exact length instead.
  const copy = new Array<T>(length + 1);
  for (let i = 0; i < length; i++) copy[i] = list[i]!;
  copy[length] = item;
  return copy;
}

/** The list without one occurrence of `item`. */
export function fewRemove<T extends object>(list: Few<T>, item: T): Few<T> {
  if (list === item) return undefined;
  if (!Array.isArray(list)) return list;
  const at = list.indexOf(item);
  if (at === -1) return list;
  if (list.length === 2) return list[1 - at];
  list.splice(at, 1);
  return list;
}

export function fewHas<T extends object>(list: Few<T>, item: T): boolean {
  return list === item || (Array.isArray(list) && list.includes(item));
}

export function fewSize<T extends object>(list: Few<T>): number {
  return list === undefined ? 0 : Array.isArray(list) ? list.length : 1;
}

/** The items as an array: the list itself when it is one (do not change it), else a new one. */
export function fewItems<T extends object>(list: Few<T>): readonly T[] {
  return list === undefined ? [] : Array.isArray(list) ? list : [list];
}
