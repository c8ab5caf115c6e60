import { describe, expect, it } from 'vitest';
import { captureLogger } from '../helpers/logger.ts';

describe('logger', () => {
  it('redacts credentials by field name, however deep', () => {
    const logger = captureLogger();
    logger.info('member verified', {
      member: { memberid: 'jdoe', memberHash: 'HASH123', memberContext: 'CTX456' },
      headers: { Authorization: 'Basic abc', cookie: 'memberHash=HASH123' },
      tenant: { apiKeys: { publicKey: 'PUB', privateKey: 'PRIV' }, clientSecret: 'SEC', password: 'pw' },
      operationKey: 'op-1',
    });
    const line = logger.lines[0]!;
    for (const secret of ['HASH123', 'CTX456', 'Basic abc', 'PUB', 'PRIV', 'SEC', '"pw"']) {
      expect(line).not.toContain(secret);
    }
    const parsed = JSON.parse(line);
    expect(parsed.member.memberid).toBe('jdoe');
    expect(parsed.operationKey).toBe('op-1');
    expect(parsed.level).toBe('info');
  });

  it('drops lines below its level', () => {
    const logger = captureLogger('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(logger.lines.map((l) => JSON.parse(l).message)).toEqual(['loud']);
  });
});
