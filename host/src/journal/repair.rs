//! Mending a damaged run's journal, or forgetting the run.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::PathBuf;

use super::run::parse;
use super::{Event, JournalError, Run, io};

/// What [`repair`] did.
#[derive(Debug, serde::Serialize)]
pub struct Repaired {
    /// The line numbers dropped, from 1.
    pub dropped: Vec<usize>,
    /// Where the journal as it was is kept.
    pub original: PathBuf,
}

/// Rewrites the journal of `run` with only its lines that read, keeping the file as it was
/// beside it (`<run>.jsonl.damaged`). Refuses when a line is of a newer format (a newer
/// switchyard wrote it: it would be lost) or when nothing that reads says the run started.
pub fn repair(run: &Run) -> Result<Repaired, JournalError> {
    let path = &run.path;
    let mut handle = OpenOptions::new().read(true).write(true).open(path).map_err(io(path))?;
    handle.try_lock().map_err(|_| JournalError::Busy {
        path: path.clone(),
        run: run.id.clone(),
    })?;
    let mut bytes = Vec::new();
    handle.read_to_end(&mut bytes).map_err(io(path))?;
    let (mut kept, mut dropped, mut started) = (Vec::new(), Vec::new(), false);
    // Changes the kept lines name, and those a kept undo undoes.
    let (mut intents, mut undone) = (Vec::new(), Vec::new());
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(line);
        if text.trim().is_empty() {
            continue;
        }
        match parse(path, i + 1, &text) {
            Ok(entry) => {
                match &entry.event {
                    Event::Started { .. } => started = true,
                    Event::Intent { seq, undoes, .. } => {
                        intents.push(*seq);
                        undone.extend(*undoes);
                    }
                    _ => {}
                }
                kept.push(text.into_owned());
            }
            Err(e @ JournalError::NewerFormat { .. }) => return Err(e),
            Err(_) => dropped.push(i + 1),
        }
    }
    if !started {
        return Err(JournalError::Unrepairable {
            run: run.id.clone(),
            path: path.clone(),
        });
    }
    // An undo whose change was on a dropped line would read as a change of its own, and the
    // next rollback would undo the undo.
    if let Some(seq) = undone.into_iter().find(|s| !intents.contains(s)) {
        return Err(JournalError::OrphanUndo {
            run: run.id.clone(),
            path: path.clone(),
            seq,
        });
    }
    let original = path.with_extension("jsonl.damaged");
    std::fs::write(&original, &bytes).map_err(io(&original))?;
    let fresh = path.with_extension("jsonl.repairing");
    let mut out = File::create(&fresh).map_err(io(&fresh))?;
    for line in &kept {
        writeln!(out, "{line}").map_err(io(&fresh))?;
    }
    out.sync_all().map_err(io(&fresh))?;
    std::fs::rename(&fresh, path).map_err(io(path))?;
    if let Some(dir) = path.parent() {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))?;
    }
    Ok(Repaired { dropped, original })
}

/// Moves the journal of `run` into `forgotten/` beside the runs: switchyard no longer lists,
/// resumes or rolls back the run. Returns where it went.
pub fn forget(run: &Run) -> Result<PathBuf, JournalError> {
    let path = &run.path;
    let handle = File::open(path).map_err(io(path))?;
    handle.try_lock().map_err(|_| JournalError::Busy {
        path: path.clone(),
        run: run.id.clone(),
    })?;
    let dir = path
        .parent()
        .map(|d| d.join("forgotten"))
        .unwrap_or_else(|| PathBuf::from("forgotten"));
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let to = dir.join(path.file_name().unwrap_or_default());
    std::fs::rename(path, &to).map_err(io(path))?;
    Ok(to)
}
