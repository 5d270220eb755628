//! Template files (`TemplateSet::from_toml`, the loader of `docs/templates.md`). Any text either
//! loads or gives a `LoadError`; a set that loads is fully checked, so every rule of every
//! template evaluates without overflow or panic on any values, even `MAX_ROWS` rows all at
//! 9,999,999 (the bound the loader proves), and every line id names its own slot.
#![no_main]

use hattama_fuzz::{check_all, filled};
use hattama_protocol::check::{PrecinctProtocol, check_precinct};
use hattama_protocol::template::MAX_ROWS;
use hattama_protocol::{Count, Slot, TemplateSet, Values, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(set) = TemplateSet::from_toml("fuzz.toml", text) else {
        return;
    };
    let max = Count::new(Count::MAX).expect("the maximum is a count");
    // Values picked from the input's bytes, so the fuzzer steers them too.
    let picked = |idx: usize| {
        let byte = data.get(idx).copied().unwrap_or(0);
        match byte % 4 {
            0 => Count::ZERO,
            1 => max,
            _ => Count::new(u32::from(byte) * 1000).unwrap_or(max),
        }
    };
    let mut protocols = Vec::new();
    for template in set.templates() {
        check_all(template, &Values::new(template, 1), false);
        check_all(template, &filled(template, 1, &|_| Count::ZERO), true);
        // The largest protocol, every line at the maximum: the bound the loader proves. Checked
        // without reports, which would spell out a thousand row ids per rule.
        let mut largest = Values::new(template, MAX_ROWS);
        let slots = (0..template.n_fixed()).map(Slot::Fixed);
        for slot in slots.chain((0..MAX_ROWS).map(Slot::Row)) {
            assert!(largest.set(slot, Some(max)));
        }
        assert_eq!(check(template, &largest).count(), template.rules().len());
        protocols.push(filled(template, 3, &picked));
    }
    let protocols: Vec<PrecinctProtocol<'_>> = set
        .templates()
        .iter()
        .zip(&protocols)
        .map(|(template, values)| PrecinctProtocol { template, values })
        .collect();
    let _ = check_precinct(&set, &protocols);
});
