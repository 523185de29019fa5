import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newNotePath } from '../../src/core/vault/newNote.js';

test('a wikilink names its new note from the vault root', () => {
  assert.equal(newNotePath('wikilink', 'Reading List', 'Ideas.md'), 'Reading List.md');
  assert.equal(newNotePath('wikilink', 'people/Ada', 'journal/2026/Monday.md'), 'people/Ada.md');
  assert.equal(newNotePath('wikilink', 'v1.2 notes', 'Ideas.md'), 'v1.2 notes.md');
  assert.equal(newNotePath('wikilink', 'Plan.md', 'Ideas.md'), 'Plan.md');
});

test('a markdown link names its new note from the linking note\'s folder', () => {
  assert.equal(newNotePath('markdown', 'plan.md', 'projects/garden.md'), 'projects/plan.md');
  assert.equal(newNotePath('markdown', '../todo.md', 'projects/garden.md'), 'todo.md');
});

test('attachments, empty targets and paths that leave the vault get no new note', () => {
  assert.equal(newNotePath('wikilink', 'photo.png', 'Ideas.md'), undefined);
  assert.equal(newNotePath('markdown', 'doc.pdf', 'Ideas.md'), undefined);
  assert.equal(newNotePath('wikilink', '   ', 'Ideas.md'), undefined);
  assert.equal(newNotePath('markdown', '../../outside.md', 'projects/garden.md'), undefined);
});
