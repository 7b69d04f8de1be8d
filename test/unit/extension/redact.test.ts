import * as assert from 'assert';
import { secretFormsOf } from '../../../src/core/secrets';
import { Redactor, redactPatterns } from '../../../src/extension/output/redact';

describe('extension output redaction', () => {
  it('masks passwords in URLs and key=value strings', () => {
    assert.strictEqual(redactPatterns('connect postgresql://app:hunter2@db:5432/x failed'), 'connect postgresql://app:****@db:5432/x failed');
    assert.strictEqual(redactPatterns('host=db password=hunter2 user=app'), 'host=db password=**** user=app');
    assert.strictEqual(redactPatterns('postgresql://app@db/x'), 'postgresql://app@db/x');
  });

  it('masks a remembered password wherever it appears, raw or URL-decoded', () => {
    const r = new Redactor();
    const url = 'postgresql://app:p%40ss%2Fw0rd@db/x';
    assert.deepStrictEqual(secretFormsOf(url), ['p%2540ss%252Fw0rd', 'p%40ss%2Fw0rd', 'p@ss/w0rd']);
    for (const form of secretFormsOf(url)) r.add(form);
    assert.strictEqual(r.redact('server said: bad password "p@ss/w0rd"'), 'server said: bad password "****"');
    assert.ok(!r.redact(`echo ${url}`).includes('w0rd'));
  });
});
