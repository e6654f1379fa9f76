-- Cameras that cannot push frames are polled at a snapshot URL (D2).
ALTER TABLE cameras ADD COLUMN snapshot_url TEXT;
