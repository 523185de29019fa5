/**
 * Makes a text safe to print on a terminal: control characters (C0, DEL, C1) and the Unicode
 * line and paragraph separators are shown as escapes, so that a file name or a label can neither
 * move the cursor, recolour the screen nor forge a line of output. Backslashes are doubled so
 * that an escape shown can be told from the same characters typed.
 */
export function printable(text: string): string {
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    if (char === '\\') return '\\\\';
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\u001b':
        return '\\e';
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
