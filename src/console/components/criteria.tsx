/** Editor of Consolidation.MatchingAttributesList: ordered criteria, each a list of attributes (AND), OR-ed in order. */
import { useState } from 'preact/hooks';
import { ATTRIBUTE_GROUPS, isValidAttributeName } from '../matching-rules.js';

export function CriteriaEditor({ criteria, onChange }: { criteria: string[][]; onChange: (c: string[][]) => void }) {
  const update = (i: number, list: string[]) => onChange(criteria.map((c, j) => (j === i ? list : c)));
  const move = (i: number, by: number) => {
    const next = [...criteria];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c);
    onChange(next);
  };
  return (
    <fieldset class="inner" aria-describedby="criteria-help">
      <legend>Matching criteria</legend>
      <p id="criteria-help" class="muted">
        Profiles of a match group merge when all attributes of a criterion are present and equal. Criteria are tried
        in order (1–10 criteria, 1–20 attributes each).
      </p>
      <datalist id="attribute-names">
        {ATTRIBUTE_GROUPS.flatMap((g) => g.names).map((n) => <option key={n} value={n} />)}
      </datalist>
      <ol class="criteria">
        {criteria.map((c, i) => (
          <li key={i} class="criterion" data-testid={`criterion-${i + 1}`}>
            <div class="criterion-head">
              <strong>Criterion {i + 1}</strong>
              <span class="spacer" />
              <button type="button" class="small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move criterion ${i + 1} up`}>↑</button>
              <button type="button" class="small" disabled={i === criteria.length - 1} onClick={() => move(i, 1)} aria-label={`Move criterion ${i + 1} down`}>↓</button>
              <button type="button" class="small danger" onClick={() => onChange(criteria.filter((_, j) => j !== i))}
                aria-label={`Remove criterion ${i + 1}`}>Remove</button>
            </div>
            <ul class="chips" aria-label={`Attributes of criterion ${i + 1}`}>
              {c.length === 0 && <li class="muted">No attributes yet.</li>}
              {c.map((a) => (
                <li key={a} class={`chip${isValidAttributeName(a) ? '' : ' chip-bad'}`}>
                  {a}
                  <button type="button" class="chip-x" aria-label={`Remove ${a} from criterion ${i + 1}`}
                    onClick={() => update(i, c.filter((x) => x !== a))}>×</button>
                </li>
              ))}
            </ul>
            <AttributePicker index={i} onAdd={(a) => !c.includes(a) && update(i, [...c, a])} />
          </li>
        ))}
      </ol>
      <button type="button" disabled={criteria.length >= 10} onClick={() => onChange([...criteria, []])}>Add criterion</button>
    </fieldset>
  );
}

function AttributePicker({ index, onAdd }: { index: number; onAdd: (a: string) => void }) {
  const [value, setValue] = useState('');
  const id = `attr-pick-${index}`;
  const valid = isValidAttributeName(value.trim());
  const add = () => {
    if (!valid) return;
    onAdd(value.trim());
    setValue('');
  };
  return (
    <div class="picker">
      <label for={id}>Add attribute to criterion {index + 1}</label>
      <div class="row">
        <input id={id} list="attribute-names" value={value} placeholder="e.g. EmailAddress, Address.PostalCode, Attributes.loyaltyId"
          onInput={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }}
          aria-invalid={value !== '' && !valid} />
        <button type="button" onClick={add} disabled={!valid}>Add</button>
      </div>
      {value !== '' && !valid && (
        <small class="field-error">Pick a profile field, an address member or Attributes.&lt;key&gt;.</small>
      )}
    </div>
  );
}
