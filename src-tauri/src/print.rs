//! The review as a report on paper or as a PDF, through WebKit's own print operation:
//! `window.print()` does nothing in a Tauri web view on Linux, so the shell prints the page.
//! The page's print styles apply either way. Saving as PDF needs no dialog (GTK's "Print to
//! File" printer writes the file); printing shows the system's print dialog.

use std::path::Path;

use contactmoment_core::{Error, ErrorPayload};
use tauri::{Runtime, WebviewWindow};

/// How a report leaves the app.
pub enum Output<'a> {
    /// A PDF at this path, without a dialog.
    Pdf(&'a Path),
    /// The system's print dialog, where the user picks a printer (or a file).
    Dialog,
}

/// Prints the window's page and resolves once the print operation has finished: `true` when
/// something was printed, `false` when the user cancelled the dialog.
pub async fn page<R: Runtime>(
    window: &WebviewWindow<R>,
    output: Output<'_>,
) -> Result<bool, ErrorPayload> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Result<bool, String>>();
    let target = match output {
        Output::Pdf(path) => Some(file_uri(path)?),
        Output::Dialog => None,
    };
    window
        .with_webview(move |webview| {
            #[cfg(target_os = "linux")]
            run(webview.inner(), target, tx);
            #[cfg(not(target_os = "linux"))]
            {
                let _ = (webview, target);
                let _ = tx.send(Err("printing is only available on Linux".into()));
            }
        })
        .map_err(|e| Error::Internal(e.to_string()))?;
    rx.await
        .map_err(|_| Error::Internal("the print operation ended without an answer".into()))?
        .map_err(|e| Error::Internal(format!("printing failed: {e}")).into())
}

fn file_uri(path: &Path) -> Result<String, ErrorPayload> {
    tauri::Url::from_file_path(path)
        .map(String::from)
        .map_err(|()| Error::Internal(format!("{} is not an absolute path", path.display())).into())
}

#[cfg(target_os = "linux")]
fn run(
    webview: webkit2gtk::WebView,
    pdf: Option<String>,
    tx: tokio::sync::oneshot::Sender<Result<bool, String>>,
) {
    use gtk::prelude::{Cast, WidgetExt};
    use std::cell::RefCell;
    use std::rc::Rc;
    use webkit2gtk::{PrintOperationExt, PrintOperationResponse};

    let op = webkit2gtk::PrintOperation::new(&webview);
    let setup = gtk::PageSetup::new();
    setup.set_paper_size(&gtk::PaperSize::new(Some("iso_a4")));
    op.set_page_setup(&setup);
    // WebKit emits "failed" and then "finished": the first answer counts. The operation is
    // kept alive by its own handler until it has finished.
    let answer = Rc::new(RefCell::new(Some(tx)));
    let keep = Rc::new(RefCell::new(Some(op.clone())));
    let on_failed = answer.clone();
    op.connect_failed(move |_, e| {
        if let Some(tx) = on_failed.borrow_mut().take() {
            let _ = tx.send(Err(e.to_string()));
        }
    });
    let on_finished = answer.clone();
    op.connect_finished(move |_| {
        if let Some(tx) = on_finished.borrow_mut().take() {
            let _ = tx.send(Ok(true));
        }
        keep.borrow_mut().take();
    });
    match pdf {
        Some(uri) => {
            let settings = gtk::PrintSettings::new();
            settings.set_printer("Print to File");
            settings.set("output-file-format", Some("pdf"));
            settings.set("output-uri", Some(&uri));
            op.set_print_settings(&settings);
            op.print();
        }
        None => {
            let parent = webview
                .toplevel()
                .and_then(|w| w.downcast::<gtk::Window>().ok());
            if op.run_dialog(parent.as_ref()) == PrintOperationResponse::Cancel {
                if let Some(tx) = answer.borrow_mut().take() {
                    let _ = tx.send(Ok(false));
                }
            }
        }
    }
}
