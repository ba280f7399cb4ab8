import { Html } from '../html.js';

/**
 * The console's pictures in CSS: the lifecycle and clock diagrams (inline SVG), the request
 * timeline with its countdown bar, the sequence diagram (a CSS grid, one column per lane, so
 * lanes can be added without redrawing). Constant text: `Html`, not escaped.
 */
export const CONSOLE_STYLES = new Html(`
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.console-head { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.console-head h1 { overflow-wrap: anywhere; min-width: 0; }
.picker { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; min-width: 0; max-width: 100%; }
.picker select { min-width: 0; width: 100%; flex: 1 1 12rem; }
.picker label { display: inline; margin: 0; }
select, .filters input, .find input { font: inherit; padding: .4rem .5rem; border: 1px solid #89919a; border-radius: .3rem; max-width: 100%; }
.diagram-wrap { overflow-x: auto; }
.diagram { display: block; width: 100%; height: auto; min-width: 36rem; font: 15px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.diagram text { fill: var(--ink); }
.diagram .state rect { stroke-width: 2; }
.diagram .state .count { font-size: 26px; font-weight: 700; }
.diagram .state .name { font-size: 14px; font-weight: 600; }
.diagram .s-pending rect { fill: #e8f1fb; stroke: #0a6ed1; }
.diagram .s-processing rect { fill: #fdf3dd; stroke: #c87b00; }
.diagram .s-retry rect { fill: #f1e9fb; stroke: #7b3fc4; }
.diagram .s-connected rect { fill: #e5f5ea; stroke: #107e3e; }
.diagram .s-failed rect { fill: #fbe9e9; stroke: #bb0000; }
.diagram .edge path { fill: none; stroke: #6a7d90; stroke-width: 2; }
.diagram .edge text { font-size: 13px; }
.diagram .edge .n { font-weight: 700; }
.diagram .edge.pulse path { stroke: #f0ab00; stroke-width: 5; }
.diagram .edge.pulse .n { fill: #8a5a00; }
@media (prefers-reduced-motion: no-preference) {
  .diagram .edge.pulse path { animation: edge-pulse 1.4s ease-out; }
}
@keyframes edge-pulse { 0% { stroke-width: 9; stroke-opacity: 1; } 100% { stroke-width: 2; stroke-opacity: .6; } }
.clock-line { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; }
.steps { list-style: none; padding: 0; margin: .75rem 0 0; display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.steps li { border: 1px solid var(--line); border-radius: .4rem; padding: .6rem .75rem; }
.steps form { margin: 0 0 .35rem; }
.forecast { font-size: .9rem; color: var(--muted); margin: 0; }
.forecast b { color: var(--ink); }
.clock-svg .axis { stroke: var(--ink); stroke-width: 2; }
.clock-svg .tick { stroke: var(--ink); stroke-width: 2; }
.clock-svg .seg { fill: #eef3f8; stroke: #c9d3dd; }
.clock-svg .seg-text { font-size: 13px; }
.clock-svg .marker { stroke: #fff; stroke-width: 1; }
.clock-svg .m-token { fill: #bb0000; }
.clock-svg .m-retry { fill: #7b3fc4; }
.clock-svg .m-lease { fill: #c87b00; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem; color: var(--muted); margin: .25rem 0 0; padding: 0; list-style: none; }
.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 50%; margin-right: .3rem; vertical-align: -.05rem; }
.legend .m-token { background: #bb0000; } .legend .m-retry { background: #7b3fc4; } .legend .m-lease { background: #c87b00; }
.find, .filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
.find label, .filters label { margin: 0; font-weight: 600; font-size: .9rem; }
.find .field, .filters .field { display: flex; flex-direction: column; gap: .2rem; flex: 1 1 12rem; min-width: 0; }
.tl-head { margin: .75rem 0 .5rem; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-weight: 700; font-size: .85rem; border: 2px solid currentColor; }
.b-pending { color: #0a6ed1; } .b-processing { color: #a86400; } .b-retry { color: #7b3fc4; } .b-connected { color: #107e3e; } .b-failed { color: #bb0000; }
.countdown { margin: .5rem 0 1rem; }
.countdown .bar { height: 1rem; border-radius: .5rem; background: #e4e9ee; overflow: hidden; border: 1px solid #c9d3dd; }
.countdown .fill { height: 100%; background: #107e3e; }
.countdown.low .fill { background: #bb0000; }
.countdown.low .left { color: var(--bad); font-weight: 700; }
.countdown.done .fill { background: #89919a; }
.events { list-style: none; margin: 0; padding: 0 0 0 1.25rem; border-left: 3px solid var(--line); }
.events li { position: relative; margin: 0 0 .55rem; padding-left: .5rem; overflow-wrap: anywhere; }
.events li::before { content: ""; position: absolute; left: -1.75rem; top: .35rem; width: .8rem; height: .8rem; border-radius: 50%; background: var(--brand); border: 2px solid #fff; }
.events li.future { color: var(--muted); }
.events li.future::before { background: #fff; border-color: var(--muted); }
.events li.k-token-deadline::before { background: #bb0000; }
.events li.k-put::before, .events li.k-connected::before { background: #107e3e; }
.events li.k-failed::before, .events li.k-revoked::before { background: #bb0000; }
.events li.k-lease-ends::before { background: #c87b00; }
.events li.k-available::before { background: #7b3fc4; }
.events time { font-variant-numeric: tabular-nums; font-weight: 600; margin-right: .4rem; }
.seq { --lanes: 2; --lifeline: #c9d3dd; margin-top: .75rem; font-size: .85rem; }
.seq-lanes, .seq-row { display: grid; grid-template-columns: repeat(var(--lanes), minmax(0, 1fr)); }
.seq-lanes { list-style: none; margin: 0; padding: 0; position: sticky; top: 0; background: #fff; z-index: 1; }
.seq-lanes li { text-align: center; font-weight: 700; padding: .3rem .2rem; border: 1px solid var(--line); border-radius: .3rem; margin: 0 .15rem; overflow-wrap: anywhere; background: #f7f9fb; }
.seq-lanes li.concur { background: #e8f1fb; border-color: var(--brand); }
.seq-rows { list-style: none; margin: 0; padding: .25rem 0; max-height: 32rem; overflow-y: auto;
  background-image: linear-gradient(to right, transparent calc(50% - 1px), var(--lifeline) calc(50% - 1px), var(--lifeline) calc(50% + 1px), transparent calc(50% + 1px));
  background-size: calc(100% / var(--lanes)) 100%; }
.seq-row { margin: .15rem 0 .45rem; }
.seq-req, .seq-res { grid-column: var(--from) / -1; grid-row: auto; position: relative;
  margin-left: calc(100% / (2 * (var(--lanes) - var(--from) + 1))); margin-right: calc(100% / (2 * (var(--lanes) - var(--from) + 1))); }
.seq-req { border-bottom: 2px solid #1d2d3e; }
.seq-res { border-bottom: 2px dashed #6a7d90; color: var(--muted); }
.seq-req::after, .seq-res::after { content: ""; position: absolute; bottom: -6px; border: 5px solid transparent; }
.seq-req::after { right: -2px; border-left: 8px solid #1d2d3e; border-right: 0; }
.seq-res::after { left: -2px; border-right: 8px solid #6a7d90; border-left: 0; }
.seq-label { display: block; padding: 0 .3rem; overflow-wrap: anywhere; background: rgba(255,255,255,.85); }
.seq-row.error .seq-res { color: var(--bad); border-bottom-color: var(--bad); }
.seq-row.error .seq-res::after { border-right-color: var(--bad); }
.seq-row.fault .seq-res { color: #8a5a00; border-bottom: 3px dotted #c87b00; font-weight: 700; }
.seq-row.fault .seq-res::after { border-right-color: #c87b00; }
details.card > summary { cursor: pointer; font-weight: 700; font-size: 1.1rem; }
td button { padding: .2rem .6rem; font-size: .85rem; }
`);
