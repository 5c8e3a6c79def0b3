//! The poppler-utils programs the PDF tests run, and where they leave pictures.
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `program` with `args`; a missing program fails the test, naming the package.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
            "cannot run {program}: {e}. The report tests need poppler-utils and fonts-noto-cjk: \
             apt-get install -y poppler-utils fonts-noto-cjk"
        )
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes `pdf` to a fresh file under the temporary directory and returns its path.
pub fn save(pdf: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, pdf).unwrap();
    (dir, path)
}

/// The text of every page of `pdf`, in reading order.
pub fn pages_text(pdf: &Path) -> Vec<String> {
    let text = run("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The text of `pdf` with line breaks and spaces removed, for finding wrapped text.
pub fn squeezed(pdf: &Path) -> String {
    run("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `target/test-artifacts/report/`, under CARGO_TARGET_DIR or the target
/// directory that holds this test binary.
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.ancestors().nth(3).unwrap().to_path_buf()
        });
    let dir = target.join("test-artifacts").join("report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
