//! Per-user preferences: the annotator's name, recent projects, the last project opened.
//!
//! Stored as RON in the user's config folder (`STANCEMARK_CONFIG_DIR` overrides it, which tests
//! and screenshots use). A missing or unreadable preferences file gives the defaults; it never
//! stops the app from starting.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::storage::{self, SaveError};

/// How many recent projects are remembered.
pub const MAX_RECENT: usize = 10;

/// Largest preferences file read; anything bigger is not ours.
const MAX_PREFERENCES_BYTES: u64 = 1 << 20;

/// What stancemark remembers between sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The analyst's name: new annotations and rejections go into their layer. Empty until
    /// the analyst says it (the window asks once, on first start).
    pub annotator: String,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// Reopened on start when no project is given on the command line.
    pub last_project: Option<PathBuf>,
    /// Article text size in points.
    pub text_size: f32,
    /// Light, dark, or as the system says.
    pub theme: Theme,
    /// Widest the reader's text column grows, in points (long lines are hard to read).
    pub line_width: f32,
    /// A drag selects whole words (Alt while dragging keeps character precision).
    pub snap_to_words: bool,
    /// How the suggestions window last looked for passages.
    pub suggest: SuggestSettings,
}

/// The suggestions window's settings, kept between sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuggestSettings {
    /// Suggest the sentence around each match.
    pub sentence: bool,
    /// Case, whole-word and regular-expression toggles.
    pub options: crate::analysis::search::SearchOptions,
}

impl Default for SuggestSettings {
    fn default() -> Self {
        Self {
            sentence: true,
            options: crate::analysis::search::SearchOptions::default(),
        }
    }
}

/// The window's colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// As the operating system says (dark when it says nothing).
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Smallest and largest article text size, in points.
pub const TEXT_SIZES: std::ops::RangeInclusive<f32> = 12.0..=28.0;
/// The text size a new user starts with (and Ctrl+0 returns to).
pub const DEFAULT_TEXT_SIZE: f32 = 17.0;
/// Narrowest and widest reader column, in points.
pub const LINE_WIDTHS: std::ops::RangeInclusive<f32> = 400.0..=1400.0;

impl Default for Preferences {
    fn default() -> Self {
        Self {
            annotator: String::new(),
            recent: Vec::new(),
            last_project: None,
            text_size: DEFAULT_TEXT_SIZE,
            theme: Theme::System,
            line_width: 760.0,
            snap_to_words: true,
            suggest: SuggestSettings::default(),
        }
    }
}

/// The OS login name (`USER` / `USERNAME`), or "analyst".
pub fn os_user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "analyst".to_owned())
}

impl Preferences {
    /// The name to work under: the one the analyst gave, else the operating-system user name.
    pub fn analyst_name(&self) -> String {
        if self.annotator.trim().is_empty() {
            os_user_name()
        } else {
            self.annotator.trim().to_owned()
        }
    }

    /// The text size one step larger (`grow`) or smaller, within [`TEXT_SIZES`].
    pub fn step_text_size(&mut self, grow: bool) {
        let step = if grow { 1.0 } else { -1.0 };
        self.text_size =
            (self.text_size.round() + step).clamp(*TEXT_SIZES.start(), *TEXT_SIZES.end());
    }

    /// Where preferences live: `$STANCEMARK_CONFIG_DIR/preferences.ron`, else the OS config dir.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("STANCEMARK_CONFIG_DIR") {
            return Some(PathBuf::from(dir).join("preferences.ron"));
        }
        directories::ProjectDirs::from("org", "stancemark", "stancemark")
            .map(|d| d.config_dir().join("preferences.ron"))
    }

    /// Reads preferences; any problem gives the defaults (preferences never stop the app).
    pub fn load(path: &Path) -> Self {
        storage::read_text_file(path, MAX_PREFERENCES_BYTES, "preferences")
            .ok()
            .and_then(|s| ron::from_str(&s).ok())
            .unwrap_or_default()
    }

    /// Writes preferences atomically, creating the folder.
    pub fn save(&self, path: &Path) -> Result<(), SaveError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SaveError::io(dir, e))?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new())
            .map_err(|e| SaveError::io(path, std::io::Error::other(e)))?;
        storage::write_atomically(path, text.as_bytes(), storage::Backup::None)
            .map(|_| ())
            .map_err(|e| SaveError::io(path, e))
    }

    /// Records a project as opened: first in the recent list and the one to reopen.
    pub fn note_opened(&mut self, project: &Path) {
        let project = project
            .canonicalize()
            .unwrap_or_else(|_| project.to_owned());
        self.recent.retain(|p| p != &project);
        self.recent.insert(0, project.clone());
        self.recent.truncate(MAX_RECENT);
        self.last_project = Some(project);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_list_is_deduplicated_and_bounded() {
        let mut p = Preferences::default();
        for i in 0..15 {
            p.note_opened(Path::new(&format!("/nonexistent/{i}.stance.json")));
        }
        p.note_opened(Path::new("/nonexistent/3.stance.json"));
        assert_eq!(p.recent.len(), MAX_RECENT);
        assert_eq!(p.recent[0], PathBuf::from("/nonexistent/3.stance.json"));
        assert_eq!(
            p.recent
                .iter()
                .filter(|r| r.ends_with("3.stance.json"))
                .count(),
            1
        );
        assert_eq!(
            p.last_project,
            Some(PathBuf::from("/nonexistent/3.stance.json"))
        );
    }

    #[test]
    fn save_load_round_trip_and_garbage_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("preferences.ron");
        let p = Preferences {
            annotator: "Ana".into(),
            ..Default::default()
        };
        p.save(&path).unwrap();
        assert_eq!(Preferences::load(&path), p);
        std::fs::write(&path, "garbage(").unwrap();
        let fallback = Preferences::load(&path);
        assert_eq!(fallback.annotator, "", "no name given yet");
        assert_eq!(fallback.analyst_name(), os_user_name());
    }
}
