import { WarningTrackRecord } from './warning-record';

describe('the early warnings track record', () => {
  it('counts a warning followed by a transition in its pool within the span, and one whose span ran out', () => {
    const record = new WarningTrackRecord(10);
    record.warned('a', 0);
    record.warned('b', 2);
    record.expire(5);
    expect(record.record()).toEqual({ raised: 2, followed: 0, notFollowed: 0, pending: 2 });
    record.transitioned('a');
    record.expire(11);
    expect(record.record()).toEqual({ raised: 2, followed: 1, notFollowed: 0, pending: 1 });
    record.expire(12);
    record.transitioned('b');
    expect(record.record()).toEqual({ raised: 2, followed: 1, notFollowed: 1, pending: 0 });
  });
});
