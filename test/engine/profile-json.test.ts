import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/engine/columns.js';
import { ChunkWriter, encodeProfile } from '../../src/engine/profile-codec.js';
import { JsonProfileEncoder, packedText, packTexts } from '../../src/engine/profile-json.js';
import { normalizeOptionsOf } from '../../src/engine/resolve.js';
import { generateProfiles } from '../../src/engine/generate/index.js';
import type { ProfileData } from '../../src/model/profile.js';
import { resolve } from '../../src/engine/resolve.js';
import { rng } from '../../src/engine/random.js';
import { buildColumns } from '../../src/engine/columns.js';
import { buildColumnsFromTexts } from '../../src/engine/normalize-parallel.js';

const idk = new ColumnBuilder(normalizeOptionsOf({ identifierAttributes: ['loyaltyId', 'memberNo', '7', '', 'x'] }));
const isIdKey = (k: string) => idk.isIdKey(k);

/** The scanner's encoding of `text`, or 'parse' when it hands the profile to JSON.parse. */
function scanned(text: string): number[] | 'parse' {
  const w = new ChunkWriter();
  w.code(999); // something before: a give-up must leave it alone
  const ok = new JsonProfileEncoder(isIdKey).encode(text, w);
  const out = Array.from(w.take());
  expect(out[0]).toBe(999);
  if (!ok) {
    expect(out.length).toBe(1);
    return 'parse';
  }
  return out.slice(1);
}

function parsed(text: string): number[] {
  const w = new ChunkWriter();
  encodeProfile(JSON.parse(text) as ProfileData, isIdKey, w);
  return Array.from(w.take());
}

describe('JSON profile encoder', () => {
  it('encodes generated profiles exactly as JSON.parse + encodeProfile, without giving up', () => {
    const { profiles } = generateProfiles(3000, 3, { meta: false });
    const texts = profiles.map((p) => JSON.stringify(p.data));
    for (const text of texts) expect(scanned(text), text).toEqual(parsed(text));
    // Packed as the workers get them (one buffer, each text followed by a 0): the same encoding, the same texts back.
    texts.push('{"FirstName":"lone \ud800 surrogate","LastName":"\u4e2d"}', '{"FirstName":7}');
    const packed = packTexts(texts, 0, texts.length);
    const enc = new JsonProfileEncoder(isIdKey);
    for (let i = 0; i < texts.length; i++) {
      expect(packedText(packed, i)).toBe(texts[i]);
      const w = new ChunkWriter();
      if (enc.encodePacked(packed, i, w)) expect(Array.from(w.take()), texts[i]).toEqual(parsed(texts[i]!));
      else expect(i).toBe(texts.length - 1);
    }
  });

  it('reads valid profiles of every field kind itself, exactly as JSON.parse + encodeProfile', () => {
    const texts = [
      '{}', ' { } ', '{"FirstName":"Ann"}', '{"FirstName":""}', '{"FirstName":null}',
      '{"FirstName":"A\\u00e9\\n\\"\\\\\\/b\\ud800","LastName" : "Lee" }',
      '{"Address":{"Address1":"1 Main St","City":"Paris","Country":"FR","Extra":{"x":[1,2,{"y":null}]},"PostalCode":"75001"}}',
      '{"Address":null}', '{"Address":""}', '{"Address":0}', '{"Address":false}', '{"Address":{}}',
      '{"ShippingAddress":{"Address2":"Apt 4"},"BillingAddress":{"City":"X"}}',
      '{"Attributes":{"loyaltyId":"L-1","color":"red","memberNo":"M 2"}}', '{"Attributes":{"memberNo":"2","loyaltyId":"1"}}',
      '{"Attributes":{"loyaltyId":""}}', '{"Attributes":{"loyaltyId":null,"memberNo":0,"x":false}}',
      '{"Attributes":null}', '{"Attributes":{}}', '{"Attributes":{"color":12,"size":[1],"n":{"a":"b"}}}',
      '{"Other":[1,-2.5e+3,0.1,true,false,null,"s\\t",{}],"PhoneNumber":"+1 555 010 0000","BirthDate":"1970-01-02"}',
      '{"Other":-0,"X":1E5}', '{"EmailAddress":"A@B.COM","PersonalEmailAddress":"x@y.z","AccountNumber":"123"}',
      '{"__proto__":{"FirstName":"x"},"LastName":"y"}', '{\n  "FirstName": "a",\n\t"LastName": "b"\r\n}',
    ];
    for (const text of texts) expect(scanned(text), text).toEqual(parsed(text));
  });

  it('leaves what it cannot be sure of to JSON.parse (which throws on invalid JSON)', () => {
    const texts = [
      '{"FirstName":5}', '{"FirstName":true}', '{"FirstName":{"a":1}}', '{"FirstName":["x"]}',
      '{"FirstName":"a","FirstName":"b"}', '{"FirstName":"a","FirstName":""}', '{"First\\u004eame":"a"}',
      '{"Address":"x"}', '{"Address":[]}', '{"Address":{"City":"a","City":"b"}}',
      '{"Attributes":{"loyaltyId":12}}', '{"Attributes":{"loyaltyId":"a","loyaltyId":"b"}}',
      '{"Attributes":{"loyaltyId":"","memberNo":"x","loyaltyId":"y"}}', '{"Attributes":{"7":"seven","loyaltyId":"a"}}',
      '{"Attributes":{"":"empty key"}}', '{"Attributes":"str"}', '{"Attributes":{"loyaltyId":"a"},"Attributes":{"memberNo":"b"}}',
      '{"Other":01}', '{"Other":1.}', '{"Other":.5}', '{"Other":+1}', '{"Other":tru}', '{"FirstName":"a",}',
      '{"FirstName":"a"} x', '{"FirstName":"a\tb"}', '{"FirstName":"a\\x"}', '{"FirstName":"a', 'null', '[]', '"str"',
      `{"FirstName":"${'z'.repeat(70000)}"}`,
    ];
    for (const text of texts) expect(scanned(text), text).toBe('parse');
  });

  it('never disagrees with JSON.parse on mutated texts (random edits of generated profiles)', () => {
    const { profiles } = generateProfiles(400, 17, { meta: false });
    const rand = rng(5);
    const alphabet = '{}[]:,"\\ \t\n0123456789.-+eEtrufalsn\u00e9\ud83d\ude00aZ';
    let readItself = 0, invalid = 0;
    for (let i = 0; i < 4000; i++) {
      let text = JSON.stringify(profiles[i % profiles.length]!.data);
      for (let e = 1 + Math.floor(rand() * 3); e > 0; e--) {
        const at = Math.floor(rand() * (text.length + 1));
        const r = rand();
        const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
        if (r < 0.4) text = text.slice(0, at) + ch + text.slice(at); // insert
        else if (r < 0.7) text = text.slice(0, at) + text.slice(at + 1); // delete
        else text = text.slice(0, at) + ch + text.slice(at + 1); // replace
      }
      let expected: number[] | undefined;
      try {
        expected = parsed(text);
      } catch {
        invalid++;
      }
      const got = scanned(text);
      if (expected === undefined) expect(got, text).toBe('parse');
      else if (got !== 'parse') {
        readItself++;
        expect(got, text).toEqual(expected);
      }
    }
    // Both kinds were exercised: texts the scanner read itself and texts JSON.parse rejects.
    expect(readItself).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(500);
  });

  it('normalizes texts inline to exactly the columns of the parsed profiles', () => {
    const { profiles } = generateProfiles(3000, 13, { meta: false });
    const data = profiles.map((p) => JSON.stringify(p.data));
    data[10] = '{"FirstName":"A","LastName":"Parsed","FirstName":"Bo"}'; // left to JSON.parse (repeated key)
    const parsedProfiles = profiles.map((p, i) => ({ id: p.id, data: JSON.parse(data[i]!) as ProfileData }));
    const opts = normalizeOptionsOf({});
    const a = buildColumns(parsedProfiles, opts);
    const b = buildColumnsFromTexts({ ids: profiles.map((p) => p.id), data }, opts);
    for (const k of Object.keys(a) as Array<keyof typeof a>) {
      if (k === 'tables') {
        for (const [t, table] of Object.entries(a.tables)) {
          const other = b.tables[t as keyof typeof a.tables];
          expect(other.values, t).toEqual(table.values);
          expect(Array.from(other.counts.subarray(0, other.values.length)), t).toEqual(Array.from(table.counts.subarray(0, table.values.length)));
        }
      } else expect(b[k], k).toEqual(a[k]);
    }
  });

  it('resolve() gives the same groups, pairs and model from JSON texts as from objects', async () => {
    const { profiles } = generateProfiles(1500, 11, { meta: false });
    const texts = { ids: profiles.map((p) => p.id), data: profiles.map((p) => JSON.stringify(p.data)) };
    const a = await resolve(profiles, { seed: 3, workers: 0 });
    const b = await resolve(texts, { seed: 3, workers: 0 });
    expect(b.groups).toEqual(a.groups);
    expect(b.pairs).toEqual(a.pairs);
    expect(JSON.stringify(b.model)).toBe(JSON.stringify(a.model));
    expect(a.groups.length).toBeGreaterThan(0);
  });
});
