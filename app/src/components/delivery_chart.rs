//! The webhook page's chart of the last 24 hours: attempts per hour (succeeded and failed,
//! stacked) and their median latency, as server-rendered SVG, with a one-line summary and a
//! table of the same numbers as its text alternative. Everything is computed from the data
//! alone, so the server and the browser render it identically.
use crate::model::{DeliveryChart, HourlyDeliveries};
use leptos::prelude::*;

const WIDTH: i32 = 760;
const LEFT: i32 = 44;
const SLOT: i32 = 27;
const BAR: i32 = 17;
const TOP: i32 = 14;
const PLOT_HEIGHT: i32 = 150;
const BOTTOM: i32 = TOP + PLOT_HEIGHT;
const HEIGHT: i32 = BOTTOM + 30;
const RIGHT_AXIS: i32 = LEFT + 24 * SLOT;

/// "09:00" from an RFC 3339 hour.
fn hour_label(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc).format("%H:00").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// "2026-12-01 09:00" from an RFC 3339 hour.
fn hour_heading(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:00").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn latency(ms: Option<u32>) -> String {
    ms.map(|m| format!("{m} ms")).unwrap_or_else(|| "—".into())
}

/// "Last 24 hours: 120 succeeded, 3 failed, median 42 ms".
pub fn summary(chart: &DeliveryChart) -> String {
    if chart.succeeded + chart.failed == 0 {
        return "Last 24 hours: no delivery attempts.".into();
    }
    let median = chart.median_latency_ms.map(|m| format!(", median {m} ms")).unwrap_or_default();
    format!("Last 24 hours: {} succeeded, {} failed{median}", chart.succeeded, chart.failed)
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `n` (an axis maximum).
fn nice_max(n: u32) -> u32 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= n.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// Height in the plot of `value` on a scale of 0..=`max`.
fn scaled(value: u32, max: u32) -> i32 {
    (i64::from(value) * i64::from(PLOT_HEIGHT) / i64::from(max.max(1))) as i32
}

/// The chart, its summary and its table, for webhook `webhook_id` (ids are unique per page).
#[component]
pub fn DeliveryChartView(webhook_id: i32, chart: DeliveryChart) -> impl IntoView {
    let summary_id = format!("chart-summary-{webhook_id}");
    let title_id = format!("chart-title-{webhook_id}");
    let hatch_id = format!("chart-failed-{webhook_id}");
    let text = summary(&chart);
    if chart.succeeded + chart.failed == 0 {
        return view! {
            <section class="chart" aria-labelledby="chart-heading">
                <h2 id="chart-heading">"Delivery attempts, last 24 hours"</h2>
                <p class="empty chart-empty" id=summary_id data-testid="chart-summary">
                    {text} " Send test event sends one."
                </p>
            </section>
        }
        .into_any();
    }
    let count_max = nice_max(chart.hours.iter().map(|h| h.succeeded + h.failed).max().unwrap_or(0));
    let latency_max = nice_max(chart.hours.iter().filter_map(|h| h.median_latency_ms).max().unwrap_or(0));
    let x_of = |i: usize| LEFT + i as i32 * SLOT;
    let latency_points: Vec<(i32, i32)> = chart
        .hours
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.median_latency_ms.map(|m| (x_of(i) + SLOT / 2, BOTTOM - scaled(m, latency_max))))
        .collect();
    let line = latency_points.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
    let fill_failed = format!("url(#{hatch_id})");
    let bars = chart
        .hours
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let x = x_of(i) + (SLOT - BAR) / 2;
            let ok = scaled(h.succeeded, count_max);
            let failed = scaled(h.failed, count_max);
            let tip = format!(
                "{} UTC: {} succeeded, {} failed, median {}",
                hour_heading(&h.hour),
                h.succeeded,
                h.failed,
                latency(h.median_latency_ms)
            );
            let fill_failed = fill_failed.clone();
            view! {
                <g class="hour">
                    <title>{tip}</title>
                    <rect class="bar-ok" x=x y=BOTTOM - ok width=BAR height=ok/>
                    <rect class="bar-failed" x=x y=BOTTOM - ok - failed width=BAR height=failed fill=fill_failed/>
                </g>
            }
        })
        .collect_view();
    let labels = chart
        .hours
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 2)
        .map(|(i, h)| {
            view! { <text class="tick" x=x_of(i) + SLOT / 2 y=BOTTOM + 18 text-anchor="middle">{hour_label(&h.hour)}</text> }
        })
        .collect_view();
    let dots =
        latency_points.iter().map(|&(x, y)| view! { <circle class="latency-dot" cx=x cy=y r="3.5"/> }).collect_view();
    let rows = chart.hours.clone();
    let labelled_by = format!("{title_id} {summary_id}");
    view! {
        <section class="chart" aria-labelledby="chart-heading">
            <h2 id="chart-heading">"Delivery attempts, last 24 hours"</h2>
            <p class="chart-summary" id=summary_id data-testid="chart-summary">{text}</p>
            <svg class="delivery-chart" role="img" aria-labelledby=labelled_by
                viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="xMidYMid meet">
                <title id=title_id>"Attempts per hour (UTC), succeeded and failed stacked, with the median latency of each hour"</title>
                <defs>
                    <pattern id=hatch_id width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="hatch-bg"/>
                        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/>
                    </pattern>
                </defs>
                <line class="axis" x1=LEFT y1=BOTTOM x2=RIGHT_AXIS y2=BOTTOM/>
                <line class="grid" x1=LEFT y1=TOP x2=RIGHT_AXIS y2=TOP/>
                <text class="tick" x=LEFT - 6 y=BOTTOM + 4 text-anchor="end">"0"</text>
                <text class="tick" x=LEFT - 6 y=TOP + 4 text-anchor="end">{count_max.to_string()}</text>
                <text class="tick latency" x=RIGHT_AXIS + 6 y=BOTTOM + 4>"0 ms"</text>
                <text class="tick latency" x=RIGHT_AXIS + 6 y=TOP + 4>{format!("{latency_max} ms")}</text>
                {bars}
                <polyline class="latency-line" points=line/>
                {dots}
                {labels}
            </svg>
            <ul class="chart-legend">
                <li><span class="swatch ok" aria-hidden="true"></span>"Succeeded (solid)"</li>
                <li><span class="swatch failed" aria-hidden="true"></span>"Failed (striped)"</li>
                <li><span class="swatch latency" aria-hidden="true"></span>"Median latency (dots, right axis)"</li>
            </ul>
            <details class="chart-table">
                <summary>"The numbers of each hour"</summary>
                <table class="list">
                    <caption class="visually-hidden">"Delivery attempts per hour, last 24 hours (UTC)"</caption>
                    <thead><tr>
                        <th scope="col">"Hour (UTC)"</th><th scope="col">"Succeeded"</th>
                        <th scope="col">"Failed"</th><th scope="col">"Median latency"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|h: HourlyDeliveries| view! {
                            <tr>
                                <th scope="row">{hour_heading(&h.hour)}</th>
                                <td>{h.succeeded}</td>
                                <td>{h.failed}</td>
                                <td>{latency(h.median_latency_ms)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(succeeded: u32, failed: u32, median: Option<u32>) -> DeliveryChart {
        DeliveryChart { hours: vec![], succeeded, failed, median_latency_ms: median }
    }

    #[test]
    fn the_summary_names_the_counts_and_the_median() {
        assert_eq!(summary(&chart(120, 3, Some(42))), "Last 24 hours: 120 succeeded, 3 failed, median 42 ms");
        assert_eq!(summary(&chart(0, 0, None)), "Last 24 hours: no delivery attempts.");
    }

    #[test]
    fn axis_maxima_are_round_numbers_at_or_above_the_data() {
        assert_eq!([0, 1, 3, 7, 10, 11, 420].map(nice_max), [1, 1, 5, 10, 10, 20, 500]);
        assert_eq!(scaled(5, 10), PLOT_HEIGHT / 2);
    }
}
