//! The Typst world the report is typeset in: two files in memory (the template and the data
//! as JSON), the fonts bundled with Typst, no file system, no packages, no network. The
//! library and the fonts are made once per process; the two file ids are interned once (Typst
//! interns ids for the life of the process, so they are never made per document).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template, written in Typst's markup.
const TEMPLATE: &str = include_str!("year.typ");

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

static MAIN: LazyLock<Option<FileId>> = LazyLock::new(|| id("/year.typ"));
static DATA: LazyLock<Option<FileId>> = LazyLock::new(|| id("/data.json"));

/// One document's world: the template and its data.
pub struct ReportWorld {
    main: FileId,
    source: Source,
    data: Bytes,
}

impl ReportWorld {
    /// The world of `data` (the JSON the template reads); `None` if the ids cannot be made.
    pub fn new(data: Vec<u8>) -> Option<Self> {
        let main = (*MAIN)?;
        DATA.as_ref()?;
        Some(Self {
            main,
            source: Source::new(main, TEMPLATE.to_string()),
            data: Bytes::new(data),
        })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == *DATA {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// The template does not read the clock: the report's dates come from its data.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
