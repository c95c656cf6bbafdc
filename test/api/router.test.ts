/** The model router on a synthetic model (greedy labels and literal query parameters do not occur in the AWS model). */
import { describe, expect, it } from 'vitest';
import { compileModel, loadModel } from '../../src/api/model.js';
import { Router, parseQuery } from '../../src/api/router.js';

const op = (method: string, requestUri: string) => ({ http: { method, requestUri } });
const synthetic = compileModel({
  metadata: {},
  shapes: {},
  operations: {
    GetObject: op('GET', '/buckets/{Bucket}/{Key+}'),
    GetSpecial: op('GET', '/buckets/{Bucket}/special'),
    ListA: op('GET', '/items?list-type=a'),
    ListAny: op('GET', '/items'),
  },
});

describe('router', () => {
  const router = new Router(synthetic.operations.values());

  it('literal segments win over labels; greedy labels take the rest, decoded', () => {
    expect(router.match('GET', '/buckets/b1/special', {})).toMatchObject({ op: { name: 'GetSpecial' }, labels: { Bucket: 'b1' } });
    expect(router.match('GET', '/buckets/b1/a/b%20c/d', {})).toMatchObject({ op: { name: 'GetObject' }, labels: { Bucket: 'b1', Key: 'a/b c/d' } });
  });

  it('literal query parameters select the more specific operation', () => {
    expect(router.match('GET', '/items', parseQuery('list-type=a')).op?.name).toBe('ListA');
    expect(router.match('GET', '/items', parseQuery('list-type=b')).op?.name).toBe('ListAny');
  });

  it('reports whether the path exists for another method', () => {
    expect(router.match('DELETE', '/items', {})).toEqual({ op: undefined, pathMatched: true });
    expect(router.match('GET', '/nothing', {})).toEqual({ op: undefined, pathMatched: false });
  });

  it('on the AWS model: encoded slashes stay inside a label; auto-merging-preview is not a JobId', () => {
    const aws = new Router(loadModel().operations.values());
    expect(aws.match('GET', '/tags/arn%3Aaws%3Aprofile%3Aus-east-1%3A1%3Adomains%2Fd', {})).toMatchObject({
      op: { name: 'ListTagsForResource' }, labels: { resourceArn: 'arn:aws:profile:us-east-1:1:domains/d' },
    });
    expect(aws.match('POST', '/domains/d/identity-resolution-jobs/auto-merging-preview', {}).op?.name).toBe('GetAutoMergingPreview');
    expect(aws.match('GET', '/domains/d/identity-resolution-jobs/auto-merging-preview', {}).op?.name).toBe('GetIdentityResolutionJob');
    expect(aws.match('GET', '/domains//identity-resolution-jobs', {}).op).toBeUndefined();
  });

  it('parses repeated query parameters into lists and keeps "+" literally', () => {
    expect(parseQuery('tagKeys=a&tagKeys=b%20c&x=1+2&flag')).toEqual(Object.assign(Object.create(null), { tagKeys: ['a', 'b c'], x: '1+2', flag: '' }));
  });
});

describe('route memo (models without literal query parameters)', () => {
  it('answers repeated paths with the same frozen result; bad encodings fail every time', () => {
    const aws = new Router(loadModel().operations.values());
    const path = '/domains/d1/identity-resolution-jobs/0123456789abcdef0123456789abcdef';
    const first = aws.match('GET', path, {});
    expect(first).toMatchObject({ op: { name: 'GetIdentityResolutionJob' }, labels: { DomainName: 'd1', JobId: '0123456789abcdef0123456789abcdef' } });
    expect(aws.match('GET', `${path}`, {})).toBe(first);
    expect(Object.isFrozen(first) && 'labels' in first && Object.isFrozen(first.labels)).toBe(true);
    expect(aws.match('DELETE', path, {})).toEqual({ op: undefined, pathMatched: true });
    for (let i = 0; i < 2; i++) expect(() => aws.match('GET', '/domains/%zz/identity-resolution-jobs', {})).toThrow(/Malformed percent-encoding/);
  });
});
