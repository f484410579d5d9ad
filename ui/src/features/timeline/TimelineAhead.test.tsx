// Apart from TimelinePanel.test.tsx: importing the IntersectionObserver mock puts one under every test of
// the file, and the others there want the events at once, as a page without IntersectionObserver has them.
import { act, screen, within } from "@testing-library/react";
import {
  mockAllIsIntersecting,
  resetIntersectionMocking,
  setupIntersectionMocking,
} from "react-intersection-observer/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { model1 } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

const panel = async () => {
  const heading = await screen.findByRole("heading", { name: "Timeline" });
  return heading.closest("section") as HTMLElement;
};

describe("timeline below the window", () => {
  afterEach(() => resetIntersectionMocking());

  it("renders its form and asks for its events only once the section comes near the window, then keeps them", async () => {
    setupIntersectionMocking(vi.fn);
    const backend = mockBackend();
    renderApp();
    const p = await panel();
    // The rest of the page has loaded: the models table has its rows.
    await screen.findByRole("button", { name: `View details of ${model1.name}` });
    expect(within(p).queryByRole("table", { name: "Events" })).not.toBeInTheDocument();
    expect(within(p).queryByRole("form", { name: "Which version was in production at…" })).not.toBeInTheDocument();
    expect(backend.timelineQueries()).toHaveLength(0);

    act(() => mockAllIsIntersecting(true));
    await within(p).findByRole("table", { name: "Events" });
    expect(within(p).getByRole("form", { name: "Which version was in production at…" })).toBeInTheDocument();
    expect(backend.timelineQueries()).toHaveLength(1);

    act(() => mockAllIsIntersecting(false));
    expect(within(p).getByRole("table", { name: "Events" })).toBeInTheDocument();
  });
});
