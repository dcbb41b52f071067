//! The whole journal exported a page at a time: the same file as one written from every
//! contact at once, oldest first, from one snapshot.

use contactmoment_core::demo::DemoSpec;
use contactmoment_core::export::{self, ContactsCsv, CsvStyle, JsonList};
use contactmoment_core::{Contact, ListQuery};

use crate::support::sqlite_at;

#[tokio::test]
async fn a_paged_export_is_the_whole_journal_oldest_first() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    // More than two pages, and a deleted contact that stays out.
    let spec = DemoSpec {
        contacts: 12_345,
        staff: 5,
        weeks: 20,
        seed: 9,
    };
    j.load_demo(spec, &mut |_| {}).await.unwrap();
    let mut everything = j.list(&ListQuery::default()).await.unwrap();
    let gone = everything.remove(100);
    j.delete(&gone.id.to_string()).await.unwrap();

    let mut csv = Vec::new();
    let mut w = ContactsCsv::new(&mut csv, CsvStyle::SPREADSHEET_NL).unwrap();
    let written = j.each_contact(&mut |page| w.write(page)).await.unwrap();
    w.finish().unwrap();
    let mut json = Vec::new();
    let mut w = JsonList::new(&mut json);
    j.each_contact(&mut |page| w.write(page)).await.unwrap();
    w.finish().unwrap();
    assert_eq!(written, 12_344);

    // Oldest first, every live contact once.
    let streamed: Vec<Contact> = serde_json::from_slice(&json).unwrap();
    assert_eq!(streamed.len(), everything.len());
    assert!(streamed
        .windows(2)
        .all(|w| w[0].occurred_at <= w[1].occurred_at));
    let ids = |list: &[Contact]| {
        let mut ids: Vec<String> = list.iter().map(|c| c.id.to_string()).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids(&streamed), ids(&everything));
    // Laid out as the list written at once, in the same order.
    let mut whole = Vec::new();
    export::json(&mut whole, &streamed).unwrap();
    assert_eq!(
        String::from_utf8(json).unwrap(),
        String::from_utf8(whole).unwrap()
    );
    let mut whole = Vec::new();
    export::contacts_csv(&mut whole, &streamed, CsvStyle::SPREADSHEET_NL).unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        String::from_utf8(whole).unwrap()
    );
}

#[tokio::test]
async fn an_empty_journal_exports_a_header_and_an_empty_list() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let mut csv = Vec::new();
    let mut w = ContactsCsv::new(&mut csv, CsvStyle::PLAIN).unwrap();
    assert_eq!(
        f.journal.each_contact(&mut |p| w.write(p)).await.unwrap(),
        0
    );
    w.finish().unwrap();
    let mut whole = Vec::new();
    export::contacts_csv(&mut whole, &[], CsvStyle::PLAIN).unwrap();
    assert_eq!(csv, whole);
    let mut json = Vec::new();
    let w = JsonList::<&mut Vec<u8>>::new(&mut json);
    w.finish().unwrap();
    assert_eq!(json, b"[]\n");
}
