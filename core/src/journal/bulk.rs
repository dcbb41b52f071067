//! Many contacts at once: importing a file and loading the demo.

use std::io::{Read, Seek};

use super::*;

impl Journal {
    /// Imports a CSV file (the columns of `export`). The file is read on another thread while
    /// its valid rows are written, all in one transaction: with `skip_invalid` off, one bad row
    /// leaves the journal as it was; with it, the valid rows are written and the rest
    /// reported. Rows whose id is already in the journal are left as they are. `progress`
    /// hears how many bytes of the file have been written.
    pub async fn import<F>(
        &self,
        mut file: F,
        skip_invalid: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportReport>
    where
        F: Read + Seek + Send + 'static,
    {
        let failed =
            |e: tokio::task::JoinError| Error::Internal(format!("reading the file failed: {e}"));
        // Its lines are counted first, so that the write knows how large it will be; the
        // quick pass also brings the file into the system's cache for the real one.
        let (file, rows) = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let rows = import::row_estimate(&mut file)?;
            file.rewind()?;
            Ok((file, rows))
        })
        .await
        .map_err(failed)??;
        let mut bulk = self.store.bulk(Existing::Skip, rows).await?;
        let (send, mut batches) = tokio::sync::mpsc::channel(2);
        let clock = Arc::clone(&self.clock);
        let reader = tokio::task::spawn_blocking(move || {
            import::parse(file, clock.as_ref(), skip_invalid, &mut |batch, read| {
                send.blocking_send((batch, read)).is_ok()
            })
        });
        let mut imported = 0;
        let pseudonyms = self.pseudonymising().await?;
        while let Some((mut batch, read)) = batches.recv().await {
            // Returning drops the receiver, which stops the reader, and the transaction.
            self.pseudonymise(pseudonyms, &mut batch)?;
            imported += bulk.write(&batch).await?;
            progress(read);
        }
        let parsed = reader.await.map_err(failed)??;
        if parsed.invalid_rows > 0 && !skip_invalid {
            return Err(Error::Import(parsed.rejection()));
        }
        bulk.commit().await?;
        Ok(ImportReport {
            rows: parsed.rows,
            imported,
            already_present: parsed.valid_rows - imported,
            skipped_invalid: parsed.invalid_rows,
            errors: parsed.errors,
            unlisted_errors: parsed.unlisted_errors,
        })
    }

    /// Writes generated demo contacts ending now, generated in batches and written in one
    /// transaction; `progress` hears how many are written. A seed already loaded adds nothing (its ids are already there). Returns how many
    /// contacts were written.
    pub async fn load_demo(
        &self,
        spec: DemoSpec,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64> {
        self.write_demo(Demo::new(spec, self.clock.now()), progress)
            .await
    }

    /// The app's "load demo data": only into an empty journal, never mixed with real contacts,
    /// and with the user as one of the staff. Returns how many contacts were added.
    pub async fn load_demo_into_empty(&self) -> Result<u64> {
        let any = ListQuery {
            limit: Some(1),
            ..ListQuery::default()
        };
        if !self.store.list(&any).await?.is_empty() {
            return Err(Error::Conflict(
                "demo data can only be loaded into an empty journal".to_owned(),
            ));
        }
        let settings = self.settings().await?;
        let you = settings.display_name;
        let demo = Demo::with_member(
            APP_DEMO,
            self.clock.now(),
            Some(you.as_str()).filter(|n| !n.is_empty()),
        );
        let written = self.write_demo(demo, &mut |_| {}).await?;
        // The demo's contacts in the user's name are the user's own.
        self.store.claim_contacts(&settings.member_id, &you).await?;
        Ok(written)
    }

    pub(super) async fn write_demo(
        &self,
        demo: Demo,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64> {
        const BATCH: usize = 50_000;
        // One transaction, like an import: a large demo builds its indexes once at the end.
        let mut bulk = self
            .store
            .bulk(Existing::Skip, demo.size_hint().0 as u64)
            .await?;
        // The next batch is generated on another thread while the store writes this one.
        let next = |mut demo: Demo| {
            tokio::task::spawn_blocking(move || {
                let batch: Vec<Contact> = demo.by_ref().take(BATCH).collect();
                (demo, batch)
            })
        };
        let mut pending = next(demo);
        let mut written = 0;
        let mut done = 0;
        loop {
            let (demo, batch) = pending
                .await
                .map_err(|e| Error::Internal(format!("demo generator failed: {e}")))?;
            if batch.is_empty() {
                bulk.commit().await?;
                return Ok(written);
            }
            pending = next(demo);
            done += batch.len() as u64;
            written += bulk.write(&batch).await?;
            progress(done);
        }
    }
}
