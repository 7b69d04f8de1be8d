import * as assert from 'assert';
import { statusBarText } from '../../../src/extension/status/status-text';
import { shortRevision } from '../../../src/extension/chains/folder-snapshot';
import { connected, disconnected, seedChain, statusOf } from './fixtures';

describe('extension status bar text', () => {
  it('shows database, revision and pending count', () => {
    const snap = connected(seedChain(), statusOf({ '000000000000': 'current', '4b9608290b5d': 'pending' }, ['000000000000']));
    assert.strictEqual(statusBarText(snap).text, '$(database) app_dev @ 000000000000 · 1 pending');
    assert.ok(statusBarText(snap).tooltip.includes('****'));
  });

  it('says base for an empty database and "not connected" without one', () => {
    const empty = connected(seedChain(), statusOf({ '000000000000': 'pending' }, []));
    assert.strictEqual(statusBarText(empty).text, '$(database) app_dev @ base · 1 pending');
    assert.strictEqual(statusBarText(disconnected(seedChain())).text, '$(database) not connected');
  });
});

describe('extension revision ids on screen', () => {
  it('shortens long hex hashes but shows hand-written names whole', () => {
    assert.strictEqual(shortRevision('4b9608290b5d0123abcd'), '4b9608290b5d');
    assert.strictEqual(shortRevision('add_discovery_query'), 'add_discovery_query');
    assert.strictEqual(shortRevision('556b79de2825'), '556b79de2825');
  });
});
