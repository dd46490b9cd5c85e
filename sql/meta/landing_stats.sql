-- meta.landing_stats: what pull last learnt from the bytes of each landing file, keyed by the
-- file's real path and what stat says of it (size, modification and change times in ns, inode).
-- A file whose stat is unchanged is not read again; any difference means it is hashed afresh.
-- Only files that had not been modified for a while before they were hashed are recorded, so a
-- file still being written is never trusted to its timestamp.
CREATE TABLE IF NOT EXISTS meta.landing_stats (
  real_path   VARCHAR PRIMARY KEY,
  byte_size   BIGINT NOT NULL,
  mtime_ns    BIGINT NOT NULL,
  ctime_ns    BIGINT NOT NULL,
  inode       BIGINT NOT NULL,
  sha256      VARCHAR NOT NULL,
  encoding    VARCHAR NOT NULL,
  has_nul     BOOLEAN NOT NULL,
  hashed_at   TIMESTAMP NOT NULL
);
