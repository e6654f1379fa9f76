//! Thumbnails of photos (JPEG, PNG, WebP): turned upright by their EXIF orientation, scaled to
//! fit a square and encoded as JPEG.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader};

#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("the image cannot be decoded: {0}")]
    Decode(#[from] image::ImageError),
    #[error("the image cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

/// A thumbnail and the size of the upright original.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` and makes a JPEG thumbnail whose longer side is at most `side` pixels (an
/// image smaller than that keeps its size).
pub fn thumbnail(bytes: &[u8], side: u32) -> Result<Thumbnail, ThumbnailError> {
    let mut decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()?
        .into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    let small = if width > side || height > side {
        img.thumbnail(side, side)
    } else {
        img
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 80).encode_image(&small.to_rgb8())?;
    Ok(Thumbnail {
        jpeg,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([x.to_le_bytes()[0], y.to_le_bytes()[0], 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("test");
        out
    }

    #[test]
    fn a_large_photo_shrinks_to_the_side_keeping_its_shape() {
        let t = thumbnail(&png(1200, 600), 320).expect("test");
        assert_eq!((t.width, t.height), (1200, 600));
        let back = image::load_from_memory(&t.jpeg).expect("test");
        assert_eq!((back.width(), back.height()), (320, 160));
    }

    #[test]
    fn a_small_photo_keeps_its_size_and_garbage_is_refused() {
        let t = thumbnail(&png(100, 50), 320).expect("test");
        let back = image::load_from_memory(&t.jpeg).expect("test");
        assert_eq!((back.width(), back.height()), (100, 50));
        let mut broken = png(100, 50);
        broken.truncate(60);
        assert!(thumbnail(&broken, 320).is_err());
    }
}
