//! QR codes as PNG and SVG.

use qrcode::{Color, EcLevel, QrCode};

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("cannot write the PNG: {0}")]
    Png(#[from] png::EncodingError),
}

/// Modules of white border around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

fn encode(text: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(
        text.as_bytes(),
        EcLevel::M,
    )?)
}

/// The QR code of `text` as an SVG document, `size` pixels square at least.
pub fn svg(text: &str, size: u32) -> Result<String, QrError> {
    let code = encode(text)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build())
}

/// The QR code of `text` as a greyscale PNG with `scale` pixels per module.
pub fn png(text: &str, scale: usize) -> Result<Vec<u8>, QrError> {
    let code = encode(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = scale.max(1);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).unwrap_or(u32::MAX);
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a greyscale PNG QR code with an independent decoder.
    fn decode(png_bytes: &[u8]) -> String {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("png frame");
        let (w, h) = (info.width as usize, info.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the image");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn png_decodes_to_its_text() {
        let url = "https://lz.wuxi.gov.cn/p/a/LZ320205001001-001";
        assert_eq!(decode(&png(url, 6).expect("png")), url);
    }

    #[test]
    fn svg_is_an_svg_document() {
        let s = svg("LZ320205001001-001", 200).expect("svg");
        assert!(s.contains("<svg"));
        assert!(s.contains("width=\""));
    }
}
