//! The whole journal exported a page at a time: the same file as one written from every
//! contact at once, oldest first, from one snapshot.

use contactmoment_core::demo::DemoSpec;
use contactmoment_core::export::{self, ContactsCsv, CsvStyle, JsonList};
use contactmoment_core::{Contact, ContactInput, ListQuery};

use crate::support::{log_all, rated, sqlite_at};

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
    // A live contact with every field set (the user's own, marked done), and text that has
    // to be escaped on its way out of the store.
    let odd = ContactInput {
        channel: Some("chat".into()),
        topic: Some("betaling\\factuur".into()),
        customer_ref: Some("K-1/\"2\"".into()),
        note: Some("Eerst \"nee\",\nthen\tyes; 🙂 ∑ \\n".into()),
        follow_up: true,
        reason: Some("wrong".into()),
        level: Some(5),
        nps: Some(0),
        valued: Some(1),
        due: Some("2026-11-23".into()),
        star: true,
        ..rated(2, 1, "2026-11-20T09:30:00+01:00")
    };
    let odd = log_all(j, &[odd]).await.remove(0);
    j.set_follow_up_done(&odd.id.to_string(), true)
        .await
        .unwrap();
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
    assert_eq!(written, 12_345);

    // Oldest first, every live contact once, each as the list reads it.
    let streamed: Vec<Contact> = serde_json::from_slice(&json).unwrap();
    assert_eq!(streamed.len(), everything.len());
    assert!(streamed
        .windows(2)
        .all(|w| w[0].occurred_at <= w[1].occurred_at));
    let listed: std::collections::HashMap<_, _> = everything.iter().map(|c| (c.id, c)).collect();
    let mut once = std::collections::HashSet::new();
    for c in &streamed {
        assert_eq!(Some(&c), listed.get(&c.id), "streamed as listed");
        assert!(once.insert(c.id), "{} streamed twice", c.id);
    }
    let odd_out = streamed.iter().find(|c| c.id == odd.id).unwrap();
    assert_eq!(odd_out.note, odd.note);
    assert!(odd_out.follow_up && odd_out.star);
    assert!(odd_out.staff_id.is_some() && odd_out.follow_up_done_at.is_some());
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

/// The review's export: what its filter counts, and only that, a page at a time from one
/// snapshot, with the progress of every page; contacts at the far ends of the time zones on
/// the range's first and last days are in, those a minute beyond are out.
#[tokio::test]
async fn a_review_export_is_what_the_filter_counts_a_page_at_a_time() {
    use contactmoment_core::{ContactsQuery, WeeklyQuery};

    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    let spec = DemoSpec {
        contacts: 14_000,
        staff: 3,
        weeks: 20,
        seed: 4,
    };
    j.load_demo(spec, &mut |_| {}).await.unwrap();
    let edges = [
        "2026-09-07T00:00:00+14:00",
        "2026-09-06T23:59:00-12:00",
        "2026-11-15T23:59:00-12:00",
        "2026-11-16T00:00:00+14:00",
    ];
    let edge_contacts = log_all(j, &edges.map(|at| rated(4, 4, at))).await;
    let query = WeeklyQuery {
        from: "2026-09-07".parse().ok(),
        to: "2026-11-15".parse().ok(),
        ..WeeklyQuery::default()
    };
    let counted = j
        .contacts(&ContactsQuery {
            filter: query.clone(),
            ..ContactsQuery::default()
        })
        .await
        .unwrap()
        .total;

    let mut csv = Vec::new();
    let mut heard = Vec::new();
    let written = j
        .export_contacts(&query, &mut csv, CsvStyle::PLAIN, &mut |done, total| {
            heard.push((done, total));
            true
        })
        .await
        .unwrap()
        .expect("not stopped");
    assert_eq!(written, counted);
    assert!(
        written > 5_000 && written < 14_000,
        "{written}: more than a page, not all"
    );
    assert!(heard.len() >= 2, "a progress report per page: {heard:?}");
    assert!(heard
        .windows(2)
        .all(|w| w[0].0 < w[1].0 && w[0].1 == w[1].1));
    assert_eq!(heard.last(), Some(&(written, written)));

    let mut rows = csv::Reader::from_reader(csv.as_slice());
    let ids: Vec<String> = rows.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(ids.len() as u64, written);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    let id = |i: usize| edge_contacts[i].id.to_string();
    assert!(
        ids.contains(&id(0)) && ids.contains(&id(2)),
        "the range's own ends are in"
    );
    assert!(
        !ids.contains(&id(1)) && !ids.contains(&id(3)),
        "the days around it are out"
    );

    // One staff member's contacts: a narrower filter over the same pages.
    let mine = WeeklyQuery {
        staff: vec![j.facets().await.unwrap().staff[1].clone()],
        ..query.clone()
    };
    let mut heard = Vec::new();
    let written = j
        .export_contacts(
            &mine,
            std::io::sink(),
            CsvStyle::PLAIN,
            &mut |done, total| {
                heard.push((done, total));
                true
            },
        )
        .await
        .unwrap()
        .expect("not stopped");
    let counted = j
        .contacts(&ContactsQuery {
            filter: mine,
            ..ContactsQuery::default()
        })
        .await
        .unwrap()
        .total;
    assert_eq!(written, counted);
    assert!(written > 1_000, "{written}");
    assert_eq!(heard.last(), Some(&(written, written)));

    // Stopped after its first page: no more pages are read, and the caller hears so.
    let mut pages = 0;
    let stopped = j
        .export_contacts(&query, std::io::sink(), CsvStyle::PLAIN, &mut |_, _| {
            pages += 1;
            false
        })
        .await
        .unwrap();
    assert_eq!((stopped, pages), (None, 1));
}
