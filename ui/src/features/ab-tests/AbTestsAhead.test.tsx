// Apart from AbTestsPanel.test.tsx: importing the IntersectionObserver mock puts one under every test of the
// file, and the others there want the panel's content at once, as a page without IntersectionObserver has it.
import { act, screen, waitFor, within } from "@testing-library/react";
import {
  mockAllIsIntersecting,
  resetIntersectionMocking,
  setupIntersectionMocking,
} from "react-intersection-observer/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { model1 } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

describe("A/B tests below the window", () => {
  afterEach(() => resetIntersectionMocking());

  it("renders its form and asks for the tests only once the section comes near the window, then keeps them", async () => {
    setupIntersectionMocking(vi.fn);
    const backend = mockBackend();
    renderApp();
    const heading = await screen.findByRole("heading", { name: "A/B tests" });
    const section = heading.closest("section") as HTMLElement;
    // The rest of the page has loaded: the models table has its rows.
    await screen.findByRole("button", { name: `View details of ${model1.name}` });
    expect(within(section).queryByRole("form", { name: "Start an A/B test" })).not.toBeInTheDocument();
    expect(backend.callsOf("list_ab_tests")).toHaveLength(0);

    act(() => mockAllIsIntersecting(true));
    await within(section).findByRole("form", { name: "Start an A/B test" });
    await waitFor(() => expect(backend.callsOf("list_ab_tests")).toHaveLength(1));

    act(() => mockAllIsIntersecting(false));
    expect(within(section).getByRole("form", { name: "Start an A/B test" })).toBeInTheDocument();
  });
});
