fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the hello-world app runs");
}
