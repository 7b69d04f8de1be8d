import * as assert from 'assert';
import { driftMarkdown, fileLink } from '../../../src/extension/problems/drift-report';
import type { DriftReport, VerifyReport } from '../../../src/extension/core';
import { TARGET } from './fixtures';

const drift = (entries: DriftReport['entries']): DriftReport => ({ baseRevision: ['556b79de2825'], entries, scratchDatabase: 'app_dev_mc_drift_1234', durationMs: 5, target: TARGET });

describe('extension drift report', () => {
  it('states an empty diff as such', () => {
    const text = driftMarkdown(drift([]), undefined, '/srv/app');
    assert.match(text, /^# Schema drift report: app_dev$/m);
    assert.match(text, /\*\*No drift\*\*: the database schema matches the migrations up to `556b79de2825`\./);
    assert.ok(!text.includes('****@') || text.includes('postgresql://dev:****@'), 'only the masked URL is shown');
  });

  it('one section per object with both definitions and a link to the migration line', () => {
    const text = driftMarkdown(drift([
      { kind: 'column', name: 'prospects.nickname', change: 'extra', actual: 'text' },
      { kind: 'column', name: 'settings.value', change: 'changed', expected: "text DEFAULT 'x'::text", actual: 'text',
        source: { revision: '4b9608290b5d', file: '/srv/app/migrations/4b9608290b5d_settings.sql', line: 6 } },
    ]), undefined, '/srv/app');
    assert.match(text, /\*\*2 differences\*\*/);
    assert.match(text, /### extra column `prospects\.nickname`\n\nextra in the database \(no migration creates it\)\n\nActual \(database\):\n\n```sql\ntext\n```/);
    assert.match(text, /Expected \(migrations\):\n\n```sql\ntext DEFAULT 'x'::text\n```/);
    assert.ok(text.includes('Created by `4b9608290b5d`: [migrations/4b9608290b5d_settings.sql:6](file:///srv/app/migrations/4b9608290b5d_settings.sql#L6)'), text);
  });

  it('lists the verify checks first, failed ones linked', () => {
    const verify = { checks: [{ name: 'version', ok: true, detail: 'at head' }, { name: 'checksum a', ok: false, detail: 'edited after apply', file: '/srv/app/migrations/a.sql', line: 1 }] } as unknown as VerifyReport;
    const text = driftMarkdown(drift([]), verify, '/srv/app');
    assert.ok(text.indexOf('## Verify') < text.indexOf('## Drift'));
    assert.ok(text.includes(`- ✘ checksum a: edited after apply ([migrations/a.sql:1](${fileLink('/srv/app/migrations/a.sql', 1)}))`), text);
  });
});
