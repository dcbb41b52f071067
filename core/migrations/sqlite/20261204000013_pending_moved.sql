-- The contacts moved in from the pending file beside the journal (saved while a long write
-- held the journal), remembered for a day: a crash between a move and the removal of the
-- pending row must not move it twice, nor bring back a contact erased in between.
CREATE TABLE pending_moved (
    id TEXT PRIMARY KEY,
    moved_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
