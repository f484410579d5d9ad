import { useEffect, useId, useState, type KeyboardEvent } from "react";
import type { Model } from "../../bindings/Model";
import { Spinner } from "../../components/Spinner";
import { formatNumber, STATUS_LABEL } from "../../lib/format";
import { useModelPicks, type PickScope } from "../../queries";

/** Options shown at most; the query asks one more so that the excluded model doesn't shorten the list. */
export const PICKER_OPTIONS = 20;
const PICKER_DEBOUNCE_MS = 150;

interface ModelPickerProps {
  /** The input's id (stable: end-to-end tests select it). The listbox is `${id}-listbox`. */
  id: string;
  label: string;
  value: Model | null;
  onChange: (model: Model | null) => void;
  /** A model that can't be chosen here (the other side of the test). */
  excludeId?: string;
  /** Models already in a running A/B test: still selectable (Rust has the last word), but flagged. */
  busyIds?: ReadonlySet<string>;
  /** "active" (default) leaves archived models out; "all" offers them too. */
  scope?: PickScope;
  placeholder?: string;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * A searchable model picker (ARIA 1.2 combobox with a listbox popup): typing searches the registry by name in
 * SQL and lists up to PICKER_OPTIONS models (non-archived ones unless `scope` is "all"). Arrow keys move, Enter chooses, Esc closes then clears.
 */
export function ModelPicker({
  id,
  label,
  value,
  onChange,
  excludeId,
  busyIds = NONE,
  scope = "active",
  placeholder = "Type a model name…",
}: ModelPickerProps) {
  const [text, setText] = useState(value?.name ?? "");
  const [search, setSearch] = useState(text);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = `${id}-listbox`;
  const statusId = useId();

  useEffect(() => {
    if (text === search) return;
    const timer = setTimeout(() => setSearch(text), PICKER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, search]);

  const picks = useModelPicks(search.trim(), PICKER_OPTIONS + 1, open, scope);
  const options = (picks.data?.models ?? []).filter((m) => m.id !== excludeId).slice(0, PICKER_OPTIONS);
  const more = (picks.data?.total ?? 0) - (picks.data?.models.length ?? 0);
  const activeIndex = Math.min(active, options.length - 1);
  const optionId = (i: number) => `${id}-option-${i}`;

  const expanded = open && options.length > 0;
  // The options shown are those of the text typed, not of an earlier prefix still on screen.
  const settled = search === text && !picks.isPlaceholderData;
  // Keep the highlighted option visible while the arrow keys move through a scrolled list.
  useEffect(() => {
    if (expanded) document.getElementById(`${id}-option-${activeIndex}`)?.scrollIntoView?.({ block: "nearest" });
  }, [expanded, activeIndex, id]);

  const choose = (m: Model) => {
    onChange(m);
    setText(m.name);
    setSearch(m.name);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else {
          setActive(Math.min(activeIndex + 1, options.length - 1));
        }
        break;
      case "ArrowUp":
        e.preventDefault();
        if (open) setActive(Math.max(activeIndex - 1, 0));
        break;
      case "Enter": {
        // Never submits the form from here: Enter chooses, once the options match the text typed.
        const m = open && settled ? options[activeIndex] : undefined;
        if (open) e.preventDefault();
        if (m) choose(m);
        break;
      }
      case "Escape":
        if (open) {
          e.preventDefault();
          setOpen(false);
        } else if (text) {
          e.preventDefault();
          setText("");
          setSearch("");
          onChange(null);
        }
        break;
      case "Tab":
        setOpen(false);
        break;
    }
  };

  return (
    <div className="field picker">
      <label htmlFor={id}>{label}</label>
      <div className="picker-box">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && activeIndex >= 0 ? optionId(activeIndex) : undefined}
        aria-describedby={statusId}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
          if (value) onChange(null);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label} options`}
        aria-busy={!settled}
        className="picker-list"
        hidden={!expanded}
      >
        {expanded
          ? options.map((m, i) => (
              <li
                key={m.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === activeIndex}
                data-model-id={m.id}
                className={i === activeIndex ? "picker-option is-active" : "picker-option"}
                // Keep the focus in the input, so the blur doesn't close the list before the click lands.
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => setActive(i)}
                onClick={() => choose(m)}
              >
                <span className="picker-name">{m.name}</span>
                <span className="picker-meta">
                  <span className="mono">{m.id}</span> · <span className="mono">{m.version}</span> · {STATUS_LABEL[m.status]}
                  {busyIds.has(m.id) ? " · in a running test" : ""}
                </span>
              </li>
            ))
          : null}
      </ul>
      </div>
      <span id={statusId} className="picker-status" role="status">
        {open ? (
          picks.isFetching && options.length === 0 ? (
            <>
              <Spinner /> Searching…
            </>
          ) : picks.isError ? (
            `Couldn't search: ${picks.error.message}`
          ) : picks.data && options.length === 0 ? (
            "No model matches."
          ) : more > 0 ? (
            `First ${options.length} of ${formatNumber(picks.data?.total ?? 0)}: type more to narrow.`
          ) : null
        ) : value ? (
          <>
            <span className="mono">{value.id}</span> · <span className="mono">{value.version}</span> · {STATUS_LABEL[value.status]}
          </>
        ) : null}
      </span>
    </div>
  );
}
