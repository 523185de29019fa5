// The transcript webview: renders the events the extension host sends (transcriptPanel.ts) and
// appends them, never re-rendering what is already shown. Bundled with the renderer and
// markdown-it into dist/transcript.js by esbuild.mjs.
/* global acquireVsCodeApi, document, window, performance, requestAnimationFrame, setTimeout, clearTimeout */
import { renderEvent, renderState } from '../../src/extension/sessions/transcriptHtml.ts';
import { createMarkdown } from '../../src/extension/sessions/transcriptMarkdown.ts';

/** Rendering stops for a frame after this long, so a replay of thousands of events never freezes the page. */
const FRAME_BUDGET_MS = 12;
/** Closer than this to the bottom counts as reading the latest output. */
const BOTTOM_SLACK_PX = 40;
/**
 * Events per chunk of the page. Appending lays out only the open chunk; a full one is sealed
 * (transcript.css) and skipped while out of view, so a long transcript costs what a short one does.
 */
const CHUNK_SIZE = 100;
/** The reader's place is saved once scrolling pauses this long. */
const SAVE_PLACE_MS = 200;

const vscode = acquireVsCodeApi();
const markdown = createMarkdown();
const log = document.getElementById('log');
const status = document.getElementById('status');
const jump = document.getElementById('jump');
const page = document.scrollingElement;

/** Events accepted from the host, rendered or still queued: the `start` the next batch must have. */
let accepted = 0;
let queue = [];
let head = 0;
let scheduled = false;
/** Where each tool call's result goes, by the call's id. */
const slots = new Map();
/** The chunk events go into now, and every top-level event in order (for finding the reader's place). */
let chunk = null;
const blocks = [];
/**
 * Where the reader was when VS Code last dropped this page (it is rebuilt each time the panel is
 * shown): the first top-level event in view and where its top was. Null when they were at the
 * bottom, where the rebuilt page follows the output again.
 */
let place = vscode.getState();
let saveTimer;

const atBottom = () => page.scrollHeight - page.scrollTop - page.clientHeight < BOTTOM_SLACK_PX;
const toBottom = () => page.scrollTo({ top: page.scrollHeight });

/** Forgets everything and asks the host for the whole transcript again. */
function resync() {
  log.replaceChildren();
  slots.clear();
  chunk = null;
  blocks.length = 0;
  accepted = 0;
  queue = [];
  head = 0;
  vscode.postMessage({ type: 'ready' });
}

function fragmentOf(event) {
  try {
    return renderEvent(event, markdown);
  } catch {
    return renderEvent({ kind: 'other', type: 'unrenderable event', raw: event }, markdown);
  }
}

/** The open chunk, after sealing a full one at the height it has with all its events laid out. */
function openChunk() {
  if (chunk && chunk.childElementCount < CHUNK_SIZE) return chunk;
  if (chunk) {
    chunk.style.containIntrinsicSize = `auto ${chunk.offsetHeight}px`;
    chunk.classList.add('sealed');
  }
  chunk = document.createElement('div');
  chunk.className = 'chunk';
  log.append(chunk);
  return chunk;
}

function append(event) {
  const fragment = fragmentOf(event);
  const slot = fragment.resultFor !== undefined && slots.get(fragment.resultFor);
  const parent = slot || openChunk();
  parent.insertAdjacentHTML('beforeend', fragment.html);
  const element = parent.lastElementChild;
  if (!slot) blocks.push(element);
  if (fragment.toolUseId !== undefined) slots.set(fragment.toolUseId, element.querySelector('.tool-result-slot'));
}

/** The first top-level event whose bottom is below the top of the view (they are in vertical order). */
function firstInView() {
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (blocks[middle].getBoundingClientRect().bottom > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

function savePlace() {
  if (atBottom() || blocks.length === 0) return vscode.setState(null);
  const anchor = firstInView();
  vscode.setState({ anchor, top: blocks[anchor].getBoundingClientRect().top });
}

function restorePlace() {
  const { anchor, top } = place;
  place = null;
  const element = blocks[anchor];
  if (element) page.scrollTo({ top: page.scrollTop + element.getBoundingClientRect().top - top });
}

function drain() {
  scheduled = false;
  // Measured before appending: whether the reader was at the latest output, not whether they still are.
  const following = !place && atBottom();
  const deadline = performance.now() + FRAME_BUDGET_MS;
  const first = head;
  while (head < queue.length && (head === first || performance.now() < deadline)) append(queue[head++]);
  const appended = head > first;
  if (head < queue.length) schedule();
  else {
    queue = [];
    head = 0;
    if (place) restorePlace();
  }
  if (following) toBottom();
  else if (appended) jump.hidden = false;
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(drain);
}

window.addEventListener('message', ({ data: message }) => {
  if (message.type === 'events') {
    if (message.start > accepted) return resync();
    const fresh = message.events.slice(accepted - message.start);
    if (fresh.length === 0) return;
    for (const event of fresh) queue.push(event);
    accepted += fresh.length;
    schedule();
  } else if (message.type === 'state') {
    document.body.dataset.state = message.state;
    status.innerHTML = renderState(message);
  }
});

window.addEventListener(
  'scroll',
  () => {
    if (atBottom()) jump.hidden = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(savePlace, SAVE_PLACE_MS);
  },
  { passive: true },
);
jump.addEventListener('click', () => {
  toBottom();
  jump.hidden = true;
});

vscode.postMessage({ type: 'ready' });
