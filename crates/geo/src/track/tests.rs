use super::*;
use crate::measure::geodesic_area_m2;
use chrono::TimeZone;
use geo::{MultiPolygon, Polygon, polygon};

// Reference distances: pyproj 3.7.2 (PROJ 9.5.1), `Geod(ellps="WGS84").inv`
// (GeographicLib), lon/lat order:
/// `inv(120.0, 31.5, 120.0, 31.51)`: 0.01° of latitude at 31.5°N.
const MERIDIAN_0_01_AT_31_5: f64 = 1_108.781_844_424_938_8;
/// `inv(120.0, 31.505, 120.1, 31.505)`: 0.1° of longitude at 31.505°N.
const PARALLEL_0_1_AT_31_505: f64 = 9_499.726_231_231_398;

const T0: i64 = 1_750_000_000;

fn at(s: i64, lon: f64, lat: f64) -> TrackPoint {
    TrackPoint {
        t: Utc.timestamp_opt(T0 + s, 0).single().expect("valid time"),
        lon,
        lat,
        accuracy_m: Some(5.0),
        speed_mps: Some(1.4),
    }
}

/// `n` points walking north from (120, 31.5), one every 10 s, 0.0001° apart
/// (about 11 m: 1.1 m/s).
fn walk(n: u32) -> Vec<TrackPoint> {
    (0..n)
        .map(|i| at(10 * i64::from(i), 120.0, 31.5 + 0.0001 * f64::from(i)))
        .collect()
}

fn rules() -> FilterRules {
    FilterRules::default()
}

#[test]
fn default_rules() {
    assert_eq!(
        rules(),
        FilterRules {
            max_speed_mps: 85.0,
            max_accuracy_m: 50.0,
            min_step_m: 0.0
        }
    );
}

#[test]
fn length_of_known_track_matches_pyproj() {
    let two = [at(0, 120.0, 31.5), at(1_000, 120.0, 31.51)];
    assert!((length_m(&two) - MERIDIAN_0_01_AT_31_5).abs() < 1e-6);
    // The same meridian arc in 101 pieces adds up to the same length.
    let walk = walk(101);
    assert!((walk[100].lat - 31.51).abs() < 1e-12);
    assert!((length_m(&walk) - MERIDIAN_0_01_AT_31_5).abs() < 1e-6);
    let east = [at(0, 120.0, 31.505), at(600, 120.1, 31.505)];
    assert!((length_m(&east) - PARALLEL_0_1_AT_31_505).abs() < 1e-6);
    assert!(length_m(&walk[..1]).abs() < f64::EPSILON);
    assert!(length_m(&[]).abs() < f64::EPSILON);
}

#[test]
fn duration_and_moving_time() {
    // 20 s walking, a 10-minute pause, 10 s walking.
    let track = [
        at(0, 120.0, 31.5),
        at(10, 120.0, 31.5001),
        at(20, 120.0, 31.5002),
        at(620, 120.0, 31.5003),
        at(630, 120.0, 31.5004),
    ];
    assert_eq!(duration(&track), Duration::seconds(630));
    assert_eq!(
        moving_time(&track, Duration::seconds(60)),
        Duration::seconds(30)
    );
    // A gap of exactly `pause_after` still counts.
    assert_eq!(
        moving_time(&track, Duration::seconds(600)),
        Duration::seconds(630)
    );
    assert_eq!(duration(&track[..1]), Duration::zero());
    assert_eq!(duration(&[]), Duration::zero());
    assert_eq!(moving_time(&[], Duration::seconds(60)), Duration::zero());
}

#[test]
fn clean_walk_is_kept_whole() {
    let walk = walk(20);
    let result = filter(&walk, &rules());
    assert_eq!(result.kept, walk);
    assert_eq!(result.kept_indices, (0..20).collect::<Vec<_>>());
    assert!(result.rejected.is_empty());
}

#[test]
fn duplicated_upload_keeps_each_point_once() {
    let walk = walk(10);
    let twice: Vec<TrackPoint> = walk.iter().chain(&walk).copied().collect();
    let result = filter(&twice, &rules());
    assert_eq!(result.kept, walk);
    assert_eq!(result.kept_indices, (0..10).collect::<Vec<_>>());
    let expected: Vec<Rejected> = (10..20)
        .map(|index| Rejected {
            index,
            point: twice[index],
            reason: Rejection::Duplicate { of: index - 10 },
        })
        .collect();
    assert_eq!(result.rejected, expected);
}

#[test]
fn same_time_different_position_is_a_duplicate() {
    let mut points = walk(3);
    points.push(at(10, 120.0, 31.6));
    let result = filter(&points, &rules());
    assert_eq!(result.kept, walk(3));
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(result.rejected[0].index, 3);
    assert_eq!(result.rejected[0].reason, Rejection::Duplicate { of: 1 });
}

#[test]
fn outlier_in_the_middle_is_a_jump_and_does_not_poison_the_rest() {
    let mut points = walk(10);
    // 10 km east of the walk: pyproj `Geod(ellps="WGS84").fwd(120, 31.5, 90,
    // 10000)` gives (120.10526055318324, 31.499956713517).
    points[5].lon = 120.105_260_553_183_24;
    points[5].lat = 31.499_956_713_517;
    let result = filter(&points, &rules());
    let mut expected = walk(10);
    expected.remove(5);
    assert_eq!(result.kept, expected);
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(result.rejected[0].index, 5);
    // About 10 km in 10 s from point 4 (44 m north of the start).
    let reason = result.rejected[0].reason;
    assert!(
        matches!(reason, Rejection::Jump { speed_mps } if (speed_mps - 1_000.0).abs() < 1.0),
        "{reason:?}"
    );
    // Point 6 is compared with point 4: 22 m in 20 s, well within the rule.
    assert!((length_m(&result.kept) - length_m(&walk(10))).abs() < 1e-9);
}

#[test]
fn low_accuracy_points_are_dropped() {
    let mut points = walk(6);
    points[2].accuracy_m = Some(80.0);
    points[3].accuracy_m = None; // unknown accuracy is accepted
    points[4].accuracy_m = Some(50.0); // the bound itself is accepted
    let result = filter(&points, &rules());
    assert_eq!(result.kept_indices, vec![0, 1, 3, 4, 5]);
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(result.rejected[0].index, 2);
    assert_eq!(
        result.rejected[0].reason,
        Rejection::Accuracy { accuracy_m: 80.0 }
    );
    // The bound is configurable.
    let lax = FilterRules {
        max_accuracy_m: 100.0,
        ..rules()
    };
    assert_eq!(filter(&points, &lax).kept.len(), 6);
}

#[test]
fn out_of_order_input_is_sorted() {
    let walk = walk(8);
    let order = [3, 0, 7, 1, 6, 2, 5, 4];
    let shuffled: Vec<TrackPoint> = order.iter().map(|&i| walk[i]).collect();
    let result = filter(&shuffled, &rules());
    assert_eq!(result.kept, walk);
    assert!(result.rejected.is_empty());
    // kept_indices point back into the input.
    assert_eq!(result.kept_indices, vec![1, 3, 5, 0, 7, 6, 4, 2]);
    for (k, &i) in result.kept_indices.iter().enumerate() {
        assert_eq!(shuffled[i], result.kept[k]);
    }
}

#[test]
fn first_point_outlier_is_dropped_by_look_ahead() {
    let mut points = walk(10);
    points[0].lon += 0.1; // about 9.5 km east
    let result = filter(&points, &rules());
    assert_eq!(result.kept, walk(10)[1..]);
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(result.rejected[0].index, 0);
    assert!(
        matches!(result.rejected[0].reason, Rejection::Jump { speed_mps } if speed_mps > 900.0)
    );
}

#[test]
fn several_scattered_outliers_at_the_start_are_dropped() {
    let mut points = walk(10);
    points[0].lon += 0.1;
    points[1].lon -= 0.1;
    let result = filter(&points, &rules());
    assert_eq!(result.kept, walk(10)[2..]);
    assert_eq!(
        result.rejected.iter().map(|r| r.index).collect::<Vec<_>>(),
        vec![0, 1]
    );
}

#[test]
fn two_disagreeing_points_keep_the_first() {
    let points = [at(0, 120.0, 31.5), at(10, 120.1, 31.5)];
    let result = filter(&points, &rules());
    assert_eq!(result.kept_indices, vec![0]);
    assert!(matches!(result.rejected[0].reason, Rejection::Jump { .. }));
}

#[test]
fn jitter_while_standing_is_dropped_with_min_step() {
    // Standing at the start for 40 s with sub-metre jitter, then walking.
    let points = [
        at(0, 120.0, 31.5),
        at(10, 120.0, 31.500_002),
        at(20, 120.000_002, 31.5),
        at(30, 120.0, 31.500_002),
        at(40, 120.0, 31.5),
        at(50, 120.0, 31.5001),
        at(60, 120.0, 31.5002),
        at(70, 120.0, 31.5003),
    ];
    let still = FilterRules {
        min_step_m: 3.0,
        ..rules()
    };
    let result = filter(&points, &still);
    assert_eq!(result.kept_indices, vec![0, 5, 6, 7]);
    for r in &result.rejected {
        assert!(matches!(r.reason, Rejection::TooClose { distance_m } if distance_m < 0.3));
    }
    // With the default (0) every point is kept.
    assert_eq!(filter(&points, &rules()).kept.len(), 8);
}

#[test]
fn invalid_coordinates_are_out_of_range() {
    let mut points = walk(5);
    points[1].lat = f64::NAN;
    points[2].lon = 200.0;
    points[3].accuracy_m = Some(-1.0);
    let result = filter(&points, &rules());
    assert_eq!(result.kept_indices, vec![0, 4]);
    assert!(
        result
            .rejected
            .iter()
            .all(|r| r.reason == Rejection::OutOfRange)
    );
}

#[test]
fn empty_input() {
    assert_eq!(filter(&[], &rules()), FilterResult::default());
}

// ---- coverage ----

/// 0.1° of longitude by 0.01° of latitude (about 9.5 km by 1.1 km) at 31.5°N.
fn thin_rectangle() -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: 120.0, y: 31.5),
        (x: 120.1, y: 31.5),
        (x: 120.1, y: 31.51),
        (x: 120.0, y: 31.51),
        (x: 120.0, y: 31.5),
    ]])
}

/// Points every 0.001° from `from` to `to` (lon, lat), 10 s apart.
fn line(from: (f64, f64), to: (f64, f64)) -> Vec<TrackPoint> {
    let steps = ((to.0 - from.0).abs().max((to.1 - from.1).abs()) / 0.001).round();
    let n = u32::try_from(to_steps(steps)).expect("few steps");
    (0..=n)
        .map(|i| {
            let f = f64::from(i) / f64::from(n);
            at(
                10 * i64::from(i),
                from.0 + f * (to.0 - from.0),
                from.1 + f * (to.1 - from.1),
            )
        })
        .collect()
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_steps(x: f64) -> u64 {
    x as u64
}

#[test]
fn east_west_track_along_a_thin_rectangle() {
    let track = line((119.99, 31.505), (120.11, 31.505));
    let within = 50.0;
    let share = coverage(&thin_rectangle(), &[&track], within);
    let expected = 2.0 * within / MERIDIAN_0_01_AT_31_5; // 0.0902
    // Documented worst case for east-west edges: one row, within / 16.
    let bound = within / 16.0 / MERIDIAN_0_01_AT_31_5;
    assert!((share - expected).abs() <= bound, "{share} vs {expected}");
}

#[test]
fn north_south_track_across_a_thin_rectangle() {
    let track = line((120.05, 31.49), (120.05, 31.52));
    let within = 50.0;
    let share = coverage(&thin_rectangle(), &[&track], within);
    let expected = 2.0 * within / PARALLEL_0_1_AT_31_505; // 0.0105
    assert!(
        (share / expected - 1.0).abs() < 1e-3,
        "{share} vs {expected}"
    );
}

#[test]
fn track_just_outside_covers_a_sliver() {
    // 40 m north of the northern edge: a 10 m band inside is within 50 m.
    let north = 31.51 + 40.0 / MERIDIAN_0_01_AT_31_5 * 0.01;
    let track = line((119.99, north), (120.11, north));
    let share = coverage(&thin_rectangle(), &[&track], 50.0);
    let expected = 10.0 / MERIDIAN_0_01_AT_31_5;
    assert!(
        (share - expected).abs() <= 3.2 / MERIDIAN_0_01_AT_31_5,
        "{share}"
    );
    // 60 m north: nothing.
    let north = 31.51 + 60.0 / MERIDIAN_0_01_AT_31_5 * 0.01;
    let track = line((119.99, north), (120.11, north));
    assert!(coverage(&thin_rectangle(), &[&track], 50.0).abs() < f64::EPSILON);
}

#[test]
fn far_track_covers_nothing() {
    let track = line((121.0, 32.0), (121.1, 32.0));
    assert!(coverage(&thin_rectangle(), &[&track], 50.0).abs() < f64::EPSILON);
    assert!(coverage(&thin_rectangle(), &[], 50.0).abs() < f64::EPSILON);
    let empty: &[TrackPoint] = &[];
    assert!(coverage(&thin_rectangle(), &[empty], 50.0).abs() < f64::EPSILON);
}

/// About 950 m by 1109 m at 31.5°N.
fn square() -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: 120.0, y: 31.5),
        (x: 120.01, y: 31.5),
        (x: 120.01, y: 31.51),
        (x: 120.0, y: 31.51),
        (x: 120.0, y: 31.5),
    ]])
}

#[test]
fn dense_zig_zag_covers_everything() {
    // North-south legs 0.0008° (76 m) apart: every spot is within 38 m of one.
    let mut track = Vec::new();
    for k in 0..=12 {
        let lon = 120.0 + 0.0008 * f64::from(k);
        let (a, b) = if k % 2 == 0 {
            (31.4995, 31.5105)
        } else {
            (31.5105, 31.4995)
        };
        track.push(at(2 * i64::from(k), lon, a));
        track.push(at(2 * i64::from(k) + 1, lon, b));
    }
    let share = coverage(&square(), &[&track], 50.0);
    assert!(share > 1.0 - 1e-9, "{share}");
    // Half as far: stripes of 2 × 25 m every 76 m.
    let share = coverage(&square(), &[&track], 25.0);
    assert!(share > 0.6 && share < 0.7, "{share}");
}

#[test]
fn single_point_covers_a_disc() {
    let point = [at(0, 120.005, 31.505)];
    let within = 50.0;
    let share = coverage(&square(), &[&point], within);
    let expected = std::f64::consts::PI * within * within / geodesic_area_m2(&square());
    assert!(
        (share / expected - 1.0).abs() < 0.01,
        "{share} vs {expected}"
    );
}

#[test]
fn overlapping_tracks_count_once() {
    let track = line((120.05, 31.49), (120.05, 31.52));
    let once = coverage(&thin_rectangle(), &[&track], 50.0);
    let twice = coverage(&thin_rectangle(), &[&track, &track], 50.0);
    assert!((once - twice).abs() < 1e-12);
    // A parallel track 200 m away adds as much again.
    let other = line((120.052_106, 31.49), (120.052_106, 31.52));
    let both = coverage(&thin_rectangle(), &[&track, &other], 50.0);
    assert!((both / once - 2.0).abs() < 1e-3, "{both} vs {once}");
}

#[test]
fn holes_are_not_part_of_the_area() {
    let outer = square().0[0].exterior().clone();
    let hole: geo::LineString<f64> = vec![
        (120.003, 31.503),
        (120.007, 31.503),
        (120.007, 31.507),
        (120.003, 31.507),
        (120.003, 31.503),
    ]
    .into();
    let holed = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
    // A point in the middle of the 380 m × 440 m hole, 50 m reach.
    let point = [at(0, 120.005, 31.505)];
    assert!(coverage(&holed, &[&point], 50.0).abs() < f64::EPSILON);
    // Reaching all of the area: everything is covered, the hole is ignored.
    assert!(coverage(&holed, &[&point], 2_000.0) > 1.0 - 1e-9);
}

#[test]
fn degenerate_inputs_give_zero() {
    let track = line((120.05, 31.49), (120.05, 31.52));
    assert!(coverage(&MultiPolygon(vec![]), &[&track], 50.0).abs() < f64::EPSILON);
    for within in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(coverage(&thin_rectangle(), &[&track], within).abs() < f64::EPSILON);
    }
}

#[test]
fn comes_within_agrees_with_the_distance_to_the_area() {
    let area = square();
    // North of the square's top edge (31.51°N) by 0.0005° of latitude: about 55 m.
    let north = [at(0, 120.005, 31.5105)];
    assert!(comes_within(&area, &north, 60.0));
    assert!(!comes_within(&area, &north, 50.0));
    assert!(coverage(&area, &[&north], 60.0) > 0.0);
    assert!(coverage(&area, &[&north], 50.0).abs() < f64::EPSILON);
    // Inside: distance 0.
    assert!(comes_within(&area, &[at(0, 120.005, 31.505)], 10.0));
    // A segment that crosses the square though both ends are far outside it.
    let across = [at(0, 119.99, 31.505), at(600, 120.02, 31.505)];
    assert!(comes_within(&area, &across, 10.0));
    // Far away, and no points.
    assert!(!comes_within(
        &area,
        &line((120.2, 31.6), (120.21, 31.6)),
        100.0
    ));
    assert!(!comes_within(&area, &[], 100.0));
}
