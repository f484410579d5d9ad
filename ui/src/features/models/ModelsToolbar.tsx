import { Search, X } from "lucide-react";
import type { Status } from "../../bindings/Status";
import { useFrameworks } from "../../queries";
import { formatNumber, STATUS_LABEL } from "../../lib/format";
import { KEYSHORTCUT } from "../../lib/shortcuts";
import { MAX_SEARCH_CHARS } from "../../bindings/limits";
import { STATUSES, type ModelViewState } from "./view";

/** The id the search box keeps: Ctrl/Cmd+F focuses it. */
export const SEARCH_INPUT_ID = "model-search";

interface Props {
  state: ModelViewState;
}

/** Search, status chips and framework filter above the models table. */
export function ModelsToolbar({ state }: Props) {
  const frameworks = useFrameworks();
  const { searchText, setSearchText, clearSearch, statuses, toggleStatus, framework, setFramework } = state;
  const list = frameworks.data ?? [];
  // A chosen framework stays selectable even if its last model just left it.
  const options = framework && !list.some((f) => f.framework === framework) ? [...list, { framework, models: 0 }] : list;

  return (
    <div className="toolbar" role="search" aria-label="Filter models">
      <div className="search-box">
        <Search size={15} aria-hidden="true" className="search-icon" />
        <label htmlFor={SEARCH_INPUT_ID} className="sr-only">
          Search models
        </label>
        <input
          id={SEARCH_INPUT_ID}
          aria-keyshortcuts={KEYSHORTCUT.search}
          type="text"
          inputMode="search"
          autoComplete="off"
          spellCheck={false}
          placeholder="Search models by name…"
          maxLength={MAX_SEARCH_CHARS}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && searchText) {
              e.preventDefault();
              clearSearch();
            }
          }}
        />
        {searchText ? (
          <button type="button" className="icon-btn search-clear" aria-label="Clear search" onClick={clearSearch}>
            <X size={14} aria-hidden="true" />
          </button>
        ) : null}
      </div>

      <div className="chips" role="group" aria-label="Filter by status">
        {STATUSES.map((s: Status) => {
          const on = statuses.includes(s);
          return (
            <button
              key={s}
              type="button"
              className={`chip chip-${s}${on ? " chip-on" : ""}`}
              aria-pressed={on}
              onClick={() => toggleStatus(s)}
            >
              {STATUS_LABEL[s]}
            </button>
          );
        })}
      </div>

      <select
        className="framework-select"
        aria-label="Filter by framework"
        value={framework}
        onChange={(e) => setFramework(e.target.value)}
      >
        <option value="">All frameworks</option>
        {options.map((f) => (
          <option key={f.framework} value={f.framework}>
            {f.framework} ({formatNumber(f.models)})
          </option>
        ))}
      </select>
    </div>
  );
}
