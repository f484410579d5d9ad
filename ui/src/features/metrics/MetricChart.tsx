import { useId, useState, type ReactNode } from "react";
import { CartesianGrid, Label, Line, LineChart, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { utc } from "../../lib/format";
import {
  axisLabel,
  formatDisplay,
  sourceText,
  type MetricSpec,
  type TimePoint,
  type VersionSeries,
  type VersionValue,
} from "./series";

/**
 * Fixed size: the details modal is 940 px wide at the window's minimum width, so two charts fit side by side.
 * A fixed size also spares ResponsiveContainer, which needs ResizeObserver and a laid-out parent (none in jsdom).
 */
export const CHART_WIDTH = 400;
export const CHART_HEIGHT = 190;

const MARGIN = { top: 8, right: 16, bottom: 22, left: 10 };
const TICK = { fill: "var(--chart-axis)", fontSize: 11 };
const AXIS_TITLE = { fill: "var(--chart-axis)", fontSize: 11 };
const DOT_RADIUS = 3.5;
// Room between the outermost points and the axes, so a point at the lowest value is not drawn on the axis line.
const X_PAD = { left: 12, right: 12 };
const Y_PAD = { top: 8, bottom: 8 };

const dayFormat = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const hourFormat = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });

/** Ticks of the time axis: days, or hours when every point is within two days. */
function timeTick(span: number) {
  return (t: number) => (span < 2 * 86_400_000 ? hourFormat.format(t) : dayFormat.format(t));
}

interface DotProps {
  cx?: number;
  cy?: number;
  /** The data item: both charts put the version's colour on it. */
  payload?: { color?: string };
}

/** A point of either chart: a circle in its version's colour (the class lets tests count the points). */
function Dot({ cx, cy, payload }: DotProps) {
  if (cx === undefined || cy === undefined) return <g />;
  const color = payload?.color ?? "var(--chart-1)";
  return <circle className="metric-dot" cx={cx} cy={cy} r={DOT_RADIUS} fill={color} stroke="var(--surface)" strokeWidth={1} />;
}

function TipBox({ children }: { children: ReactNode }) {
  return <div className="chart-tooltip">{children}</div>;
}

/** The tooltips' payload: recharts hands over the data item of the point under the pointer. */
type TipPayload = ReadonlyArray<{ payload?: unknown }> | undefined;

function firstItem<T>(payload: TipPayload): T | undefined {
  return payload?.[0]?.payload as T | undefined;
}

interface OverTimeProps {
  spec: MetricSpec;
  series: VersionSeries[];
}

/** One metric over time: a point per recording, coloured by version, each version's points joined. */
export function OverTimeChart({ spec, series }: OverTimeProps) {
  const all = series.flatMap((s) => s.points);
  const times = all.map((p) => p.t);
  const span = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
  const title = `${spec.label} over time`;
  return (
    <ChartFigure
      title={title}
      summary={`${title}, in ${spec.unit}: ${all.length} ${all.length === 1 ? "point" : "points"} of ${series.length} ${
        series.length === 1 ? "version" : "versions"
      }.`}
      table={<OverTimeTable spec={spec} series={series} />}
    >
      <ScatterChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={MARGIN} title={title}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="t"
          scale="time"
          domain={["dataMin", "dataMax"]}
          tickFormatter={timeTick(span)}
          tick={TICK}
          stroke="var(--chart-axis)"
          tickCount={5}
          padding={X_PAD}
        >
          <Label value="Time (UTC)" position="insideBottom" offset={-14} style={AXIS_TITLE} />
        </XAxis>
        <YAxis
          type="number"
          dataKey="value"
          domain={["auto", "auto"]}
          padding={Y_PAD}
          tick={TICK}
          stroke="var(--chart-axis)"
          width={56}
        >
          <Label value={axisLabel(spec)} angle={-90} position="insideLeft" style={{ ...AXIS_TITLE, textAnchor: "middle" }} />
        </YAxis>
        <Tooltip
          cursor={{ stroke: "var(--chart-axis)", strokeDasharray: "3 3" }}
          content={({ active, payload }) => {
            const p = firstItem<TimePoint>(payload as TipPayload);
            if (!active || !p) return null;
            return (
              <TipBox>
                <strong>{formatDisplay(spec, p.value)}</strong> · version {p.point.version}
                <br />
                {sourceText(p.point)} · {utc(p.point.at)}
              </TipBox>
            );
          }}
        />
        {series.map((s) => (
          <Scatter
            key={s.version}
            name={s.version}
            data={s.points.map((p) => ({ ...p, color: s.color }))}
            fill={s.color}
            line={{ stroke: s.color, strokeWidth: 1.5 }}
            lineType="joint"
            shape={Dot}
            isAnimationActive={false}
          />
        ))}
      </ScatterChart>
    </ChartFigure>
  );
}

interface AcrossVersionsProps {
  spec: MetricSpec;
  values: VersionValue[];
}

/** One metric across versions: the latest value of each version, in registration order. */
export function AcrossVersionsChart({ spec, values }: AcrossVersionsProps) {
  const title = `${spec.label} across versions`;
  return (
    <ChartFigure
      title={title}
      summary={`${title}, in ${spec.unit}: the latest value of ${values.length} ${values.length === 1 ? "version" : "versions"}.`}
      table={<AcrossVersionsTable spec={spec} values={values} />}
    >
      <LineChart width={CHART_WIDTH} height={CHART_HEIGHT} margin={MARGIN} data={values} title={title}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
        <XAxis
          type="category"
          dataKey="version"
          tick={TICK}
          stroke="var(--chart-axis)"
          interval="preserveStartEnd"
          padding={X_PAD}
        >
          <Label value="Version" position="insideBottom" offset={-14} style={AXIS_TITLE} />
        </XAxis>
        <YAxis type="number" domain={["auto", "auto"]} padding={Y_PAD} tick={TICK} stroke="var(--chart-axis)" width={56}>
          <Label value={axisLabel(spec)} angle={-90} position="insideLeft" style={{ ...AXIS_TITLE, textAnchor: "middle" }} />
        </YAxis>
        <Tooltip
          cursor={{ stroke: "var(--chart-axis)", strokeDasharray: "3 3" }}
          content={({ active, payload }) => {
            const v = firstItem<VersionValue>(payload as TipPayload);
            if (!active || !v) return null;
            return (
              <TipBox>
                <strong>{formatDisplay(spec, v.value)}</strong> · version {v.version}
                <br />
                {sourceText(v.point)} · {utc(v.point.at)}
              </TipBox>
            );
          }}
        />
        <Line
          type="linear"
          dataKey="value"
          name={spec.label}
          stroke="var(--chart-line)"
          strokeWidth={1.5}
          dot={Dot}
          activeDot={{ r: DOT_RADIUS + 1.5, stroke: "var(--surface)" }}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartFigure>
  );
}

interface FigureProps {
  title: string;
  /** What a screen reader hears for the chart; the table holds the values. */
  summary: string;
  table: ReactNode;
  children: ReactNode;
}

/** A chart with its caption and a table of its values behind a toggle (also what screen readers can read). */
function ChartFigure({ title, summary, table, children }: FigureProps) {
  const [showValues, setShowValues] = useState(false);
  const tableId = useId();
  return (
    <figure className="metric-chart" aria-label={summary}>
      <figcaption className="metric-chart-head">
        <span className="metric-chart-title">{title}</span>
        <button
          type="button"
          className="link-btn"
          aria-expanded={showValues}
          aria-controls={tableId}
          onClick={() => setShowValues((v) => !v)}
        >
          {showValues ? "Hide values" : "Show values"}
        </button>
      </figcaption>
      <div className="metric-chart-plot">{children}</div>
      <div id={tableId} hidden={!showValues} className="metric-chart-values">
        {showValues ? table : null}
      </div>
    </figure>
  );
}

function OverTimeTable({ spec, series }: OverTimeProps) {
  const rows = series.flatMap((s) => s.points).sort((a, b) => a.t - b.t || a.point.version.localeCompare(b.point.version));
  return (
    <table className="subtable metric-values">
      <caption className="sr-only">{spec.label} over time</caption>
      <thead>
        <tr>
          <th scope="col">Time (UTC)</th>
          <th scope="col">Version</th>
          <th scope="col" className="num">
            {axisLabel(spec)}
          </th>
          <th scope="col">Recorded by</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p, i) => (
          <tr key={i}>
            <td>
              <time dateTime={p.point.at}>{utc(p.point.at)}</time>
            </td>
            <td className="mono">{p.point.version}</td>
            <td className="num">{formatDisplay(spec, p.value)}</td>
            <td>{sourceText(p.point)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AcrossVersionsTable({ spec, values }: AcrossVersionsProps) {
  return (
    <table className="subtable metric-values">
      <caption className="sr-only">{spec.label} across versions</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col" className="num">
            {axisLabel(spec)}
          </th>
          <th scope="col">Latest recorded</th>
        </tr>
      </thead>
      <tbody>
        {values.map((v) => (
          <tr key={v.version}>
            <th scope="row" className="mono">
              {v.version}
            </th>
            <td className="num">{formatDisplay(spec, v.value)}</td>
            <td>
              {sourceText(v.point)}, <time dateTime={v.point.at}>{utc(v.point.at)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
