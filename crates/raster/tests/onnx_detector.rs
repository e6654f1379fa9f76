//! The ONNX path of smoke and fire detection: a small classifier written as a real ONNX file
//! (protobuf, as any exporter writes it), loaded and run by `tract` through [`OnnxDetector`].
//! Its scores must equal the same arithmetic done here by hand, which checks the input layout
//! (NCHW, RGB, 0–1) and the output contract (none, fire, smoke).

use std::path::Path;

use image::{Rgb, RgbImage};
use linzhang_raster::fire::onnx::probabilities;
use linzhang_raster::fire::{Detector, OnnxDetector, Verdict, load_frame};
use prost::Message;
use tract_onnx::pb::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto,
    TypeProto, ValueInfoProto, tensor_shape_proto, type_proto,
};

const FLOAT: i32 = 1;
const SIDE: i64 = 32;

/// Logits = W · mean(R, G, B) + B, one row of channel weights per class: none stays at 0;
/// fire rises with red over green and blue; smoke never wins (a classifier for the test, not
/// for the forest).
const WEIGHTS: [[f32; 3]; 3] = [[0.0, 0.0, 0.0], [20.0, -10.0, -10.0], [0.0, 0.0, 0.0]];
const BIAS: [f32; 3] = [0.0, -2.0, -5.0];

fn value_info(name: &str, dims: &[i64]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: FLOAT,
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| tensor_shape_proto::Dimension {
                            value: Some(tensor_shape_proto::dimension::Value::DimValue(*d)),
                            ..Default::default()
                        })
                        .collect(),
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| (*s).to_owned()).collect(),
        output: vec![output.into()],
        name: output.into(),
        op_type: op.into(),
        ..Default::default()
    }
}

fn tensor(name: &str, dims: &[i64], data: Vec<f32>) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: FLOAT,
        float_data: data,
        ..Default::default()
    }
}

fn write_model(path: &Path) {
    // MatMul multiplies [1, 3] by [3, 3]: column j of the matrix holds class j's weights.
    let mut w = Vec::new();
    for channel in 0..3 {
        for class in WEIGHTS {
            w.push(class[channel]);
        }
    }
    let graph = GraphProto {
        name: "colour_classifier".into(),
        node: vec![
            node("GlobalAveragePool", &["image"], "pooled"),
            node("Flatten", &["pooled"], "means"),
            node("MatMul", &["means", "w"], "weighted"),
            node("Add", &["weighted", "b"], "logits"),
            node("Softmax", &["logits"], "scores"),
        ],
        initializer: vec![tensor("w", &[3, 3], w), tensor("b", &[3], BIAS.to_vec())],
        input: vec![value_info("image", &[1, 3, SIDE, SIDE])],
        output: vec![value_info("scores", &[1, 3])],
        ..Default::default()
    };
    let model = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
        producer_name: "linzhang-test".into(),
        graph: Some(graph),
        ..Default::default()
    };
    std::fs::write(path, model.encode_to_vec()).expect("write model");
}

/// What the model computes, by hand: the channel means of the frame resized as the detector
/// resizes it, then the linear map and the softmax.
fn by_hand(frame: &RgbImage) -> [f32; 3] {
    let side = u32::try_from(SIDE).expect("side");
    let small = image::imageops::resize(frame, side, side, image::imageops::FilterType::Triangle);
    let mut sum = [0f64; 3];
    for p in small.pixels() {
        for c in 0..3 {
            sum[c] += f64::from(p[c]) / 255.0;
        }
    }
    #[allow(clippy::cast_possible_truncation, reason = "means of bytes in 0–1")]
    let means = sum.map(|s| (s / f64::from(side * side)) as f32);
    let logits: Vec<f32> = (0..3)
        .map(|class| BIAS[class] + (0..3).map(|c| WEIGHTS[class][c] * means[c]).sum::<f32>())
        .collect();
    probabilities([logits[0], logits[1], logits[2]])
}

fn loaded() -> (tempfile::TempDir, OnnxDetector) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("colour.onnx");
    write_model(&path);
    let detector = OnnxDetector::load(&path).expect("model loads");
    (dir, detector)
}

#[test]
fn the_model_reads_its_input_size_and_names_itself() {
    let (_dir, d) = loaded();
    assert_eq!(d.input_size(), (32, 32));
    assert_eq!(d.name(), "onnx:colour");
}

#[test]
fn scores_equal_the_same_arithmetic_by_hand() {
    let (_dir, d) = loaded();
    let real = load_frame(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/fire/fire_1.jpg"
    )))
    .expect("a real photo from ../shared/data/fire");
    let mut gradient = RgbImage::new(200, 120);
    for (x, y, p) in gradient.enumerate_pixels_mut() {
        *p = Rgb([
            u8::try_from(x * 255 / 199).expect("byte"),
            u8::try_from(y * 255 / 119).expect("byte"),
            90,
        ]);
    }
    for frame in [real, gradient] {
        let got = d.scores(&frame).expect("scores");
        let want = by_hand(&frame);
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-4, "tract {got:?} vs by hand {want:?}");
        }
        assert!((got.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}

#[test]
fn verdicts_follow_the_scores() {
    let (_dir, d) = loaded();
    let red = RgbImage::from_pixel(64, 48, Rgb([240, 40, 20]));
    let green = RgbImage::from_pixel(64, 48, Rgb([40, 160, 60]));
    let fire = d.detect(&red, None);
    assert_eq!(fire.verdict, Verdict::Fire);
    assert!(fire.fire_score > 0.99, "{fire:?}");
    // A classifier has no boxes of its own: the evidence is the whole frame.
    assert_eq!(fire.boxes.len(), 1);
    assert_eq!((fire.boxes[0].w, fire.boxes[0].h), (64, 48));
    let none = d.detect(&green, None);
    assert_eq!(none.verdict, Verdict::None);
    assert!(none.boxes.is_empty());
    assert!(none.score < 0.01, "{none:?}");
}

#[test]
fn a_file_that_is_not_a_model_is_refused_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fake.onnx");
    std::fs::write(&path, b"not a protobuf at all").expect("write");
    let err = OnnxDetector::load(&path).expect_err("refused");
    assert!(err.to_string().contains("fake.onnx"), "{err}");
}
