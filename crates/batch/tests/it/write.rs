//! Writing batches: see write tests.
