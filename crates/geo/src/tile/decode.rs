//! A minimal MVT decoder for the tests: reads the protobuf by hand and checks the geometry
//! command grammar of the spec (§4.3), so that tests see exactly the bytes a client sees.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    String(String),
    Float(f32),
    Double(f64),
    Int(i64),
    Uint(u64),
    Sint(i64),
    Bool(bool),
}

#[derive(Debug, Default)]
pub(super) struct Layer {
    pub version: u64,
    pub name: String,
    pub extent: u64,
    pub keys: Vec<String>,
    pub values: Vec<Value>,
    pub features: Vec<Feature>,
}

#[derive(Debug, Default)]
pub(super) struct Feature {
    pub id: Option<u64>,
    pub tags: Vec<u32>,
    /// 1 point, 2 line string, 3 polygon.
    pub kind: u64,
    pub geometry: Vec<u32>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.buf[self.pos];
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn key(&mut self) -> (u64, u64) {
        let k = self.varint();
        (k >> 3, k & 7)
    }

    fn bytes(&mut self) -> &'a [u8] {
        let len = usize::try_from(self.varint()).expect("length");
        let s = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        s
    }

    fn fixed<const N: usize>(&mut self) -> [u8; N] {
        let s: [u8; N] = self.buf[self.pos..self.pos + N].try_into().expect("bytes");
        self.pos += N;
        s
    }

    fn skip(&mut self, wire: u64) {
        match wire {
            0 => {
                self.varint();
            }
            1 => self.pos += 8,
            2 => {
                self.bytes();
            }
            5 => self.pos += 4,
            _ => unreachable!("wire type {wire}"),
        }
    }

    fn packed_u32(&mut self) -> Vec<u32> {
        let mut r = Reader::new(self.bytes());
        let mut out = Vec::new();
        while !r.done() {
            out.push(u32::try_from(r.varint()).expect("u32"));
        }
        out
    }
}

fn string(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8")
}

fn zigzag64(v: u64) -> i64 {
    (v >> 1).cast_signed() ^ -(v & 1).cast_signed()
}

pub(super) fn decode(bytes: &[u8]) -> Vec<Layer> {
    let mut r = Reader::new(bytes);
    let mut layers = Vec::new();
    while !r.done() {
        match r.key() {
            (3, 2) => layers.push(layer(r.bytes())),
            (_, w) => r.skip(w),
        }
    }
    layers
}

fn layer(bytes: &[u8]) -> Layer {
    let mut r = Reader::new(bytes);
    let mut l = Layer {
        version: 1,
        extent: 4096,
        ..Layer::default()
    };
    while !r.done() {
        match r.key() {
            (15, 0) => l.version = r.varint(),
            (1, 2) => l.name = string(r.bytes()),
            (2, 2) => l.features.push(feature(r.bytes())),
            (3, 2) => l.keys.push(string(r.bytes())),
            (4, 2) => l.values.push(value(r.bytes())),
            (5, 0) => l.extent = r.varint(),
            (_, w) => r.skip(w),
        }
    }
    l
}

fn feature(bytes: &[u8]) -> Feature {
    let mut r = Reader::new(bytes);
    let mut f = Feature::default();
    while !r.done() {
        match r.key() {
            (1, 0) => f.id = Some(r.varint()),
            (2, 2) => f.tags = r.packed_u32(),
            (3, 0) => f.kind = r.varint(),
            (4, 2) => f.geometry = r.packed_u32(),
            (_, w) => r.skip(w),
        }
    }
    f
}

fn value(bytes: &[u8]) -> Value {
    let mut r = Reader::new(bytes);
    let mut v = None;
    while !r.done() {
        v = Some(match r.key() {
            (1, 2) => Value::String(string(r.bytes())),
            (2, 5) => Value::Float(f32::from_le_bytes(r.fixed())),
            (3, 1) => Value::Double(f64::from_le_bytes(r.fixed())),
            (4, 0) => Value::Int(r.varint().cast_signed()),
            (5, 0) => Value::Uint(r.varint()),
            (6, 0) => Value::Sint(zigzag64(r.varint())),
            (7, 0) => Value::Bool(r.varint() != 0),
            (f, w) => unreachable!("value field {f} wire {w}"),
        });
    }
    v.expect("a value")
}

impl Layer {
    /// The properties of a feature, by name.
    pub fn properties(&self, f: &Feature) -> Vec<(String, Value)> {
        assert_eq!(f.tags.len() % 2, 0, "tags come in pairs");
        f.tags
            .chunks(2)
            .map(|kv| {
                (
                    self.keys[kv[0] as usize].clone(),
                    self.values[kv[1] as usize].clone(),
                )
            })
            .collect()
    }
}

fn zigzag32(v: u32) -> i32 {
    (v >> 1).cast_signed() ^ -(v & 1).cast_signed()
}

impl Feature {
    /// The geometry as parts (points, line strings, or rings without their closing point),
    /// checking the command grammar of the spec for the feature's type.
    pub fn parts(&self) -> Vec<Vec<[i32; 2]>> {
        let g = &self.geometry;
        let (mut i, mut x, mut y) = (0, 0i32, 0i32);
        let mut parts: Vec<Vec<[i32; 2]>> = Vec::new();
        let mut next = |i: &mut usize| {
            x += zigzag32(g[*i]);
            y += zigzag32(g[*i + 1]);
            *i += 2;
            [x, y]
        };
        while i < g.len() {
            let (cmd, count) = (g[i] & 7, g[i] >> 3);
            i += 1;
            assert!(count > 0, "command count 0");
            match (self.kind, cmd) {
                (1, 1) => {
                    assert!(parts.is_empty(), "a point feature has one MoveTo");
                    for _ in 0..count {
                        parts.push(vec![next(&mut i)]);
                    }
                }
                (2 | 3, 1) => {
                    assert_eq!(count, 1, "MoveTo of a line or ring has one point");
                    parts.push(vec![next(&mut i)]);
                    let (lc, lcount) = (g[i] & 7, g[i] >> 3);
                    i += 1;
                    assert_eq!(lc, 2, "MoveTo must be followed by LineTo");
                    let min = if self.kind == 2 { 1 } else { 2 };
                    assert!(lcount >= min, "LineTo count {lcount}");
                    let part = parts.last_mut().expect("part");
                    for _ in 0..lcount {
                        part.push(next(&mut i));
                    }
                    if self.kind == 3 {
                        assert_eq!(g[i], 7 | (1 << 3), "a ring ends with ClosePath");
                        i += 1;
                    }
                }
                (kind, cmd) => unreachable!("command {cmd} in a feature of type {kind}"),
            }
        }
        parts
    }
}

/// Twice the signed area of an open ring, y down: > 0 for an exterior ring.
pub(super) fn area2(ring: &[[i32; 2]]) -> i64 {
    let mut prev = ring[ring.len() - 1];
    let mut sum = 0i64;
    for &p in ring {
        sum += i64::from(prev[0]) * i64::from(p[1]) - i64::from(p[0]) * i64::from(prev[1]);
        prev = p;
    }
    sum
}
