//! Where a project keeps its annotations and rejected suggestions: records indexed by id and by
//! layer — the (article, analyst) pair whose work they are.
//!
//! Invariants:
//! - every record is in `by_id` and in exactly one layer, the one of its article and analyst;
//! - each layer is sorted by (start, end, id), so iteration is deterministic: layers in
//!   (article, analyst) order, then by position — the order the project folder writes them in;
//! - nothing outside this module touches the collections: edits go through [`insert`],
//!   [`remove`] and [`replace`], which name records by id, never by position.
//!
//! A lookup by id is a hash lookup; the records of an article or of one analyst's layer on it
//! are a range of an ordered map, never a scan of the project.
//!
//! [`insert`]: LayeredStore::insert
//! [`remove`]: LayeredStore::remove
//! [`replace`]: LayeredStore::replace

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{AnalystId, ArticleId, TextRange};

/// A record kept in a [`LayeredStore`]: an annotation or a rejected suggestion.
pub trait Layered {
    /// Its id, unique in the store.
    fn id(&self) -> Uuid;
    /// The article it is about.
    fn article(&self) -> ArticleId;
    /// Whose work it is.
    fn analyst(&self) -> &AnalystId;
    /// Where in the article (code points); for an orphan its last known place.
    fn range(&self) -> TextRange;
}

/// The key of a layer: an article and an analyst.
pub type LayerKey = (ArticleId, AnalystId);

/// The order of records within a layer.
fn order_key<T: Layered>(record: &T) -> (usize, usize, Uuid) {
    let r = record.range();
    (r.start, r.end, record.id())
}

/// Records indexed by id and by (article, analyst). See the module docs.
#[derive(Debug, Clone)]
pub struct LayeredStore<T> {
    by_id: HashMap<Uuid, Arc<T>>,
    layers: BTreeMap<LayerKey, Vec<Arc<T>>>,
}

impl<T> Default for LayeredStore<T> {
    fn default() -> Self {
        Self {
            by_id: HashMap::new(),
            layers: BTreeMap::new(),
        }
    }
}

impl<T: Layered + PartialEq> PartialEq for LayeredStore<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<T: Layered + Eq> Eq for LayeredStore<T> {}

/// A record whose id the store already holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is already in the project")]
pub struct DuplicateId(pub Uuid);

impl<T: Layered> LayeredStore<T> {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store of `records`; the first duplicate id is an error.
    pub fn from_records(records: impl IntoIterator<Item = Arc<T>>) -> Result<Self, DuplicateId> {
        let mut store = Self::new();
        let mut unsorted: BTreeMap<LayerKey, Vec<Arc<T>>> = BTreeMap::new();
        for record in records {
            let id = record.id();
            if store.by_id.insert(id, record.clone()).is_some() {
                return Err(DuplicateId(id));
            }
            unsorted
                .entry((record.article(), record.analyst().clone()))
                .or_default()
                .push(record);
        }
        for (key, mut layer) in unsorted {
            layer.sort_by_key(|r| order_key(&**r));
            store.layers.insert(key, layer);
        }
        Ok(store)
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The record with this id.
    pub fn get(&self, id: Uuid) -> Option<&Arc<T>> {
        self.by_id.get(&id)
    }

    /// True when a record has this id.
    pub fn contains(&self, id: Uuid) -> bool {
        self.by_id.contains_key(&id)
    }

    /// The first record in iteration order.
    pub fn first(&self) -> Option<&Arc<T>> {
        self.iter().next()
    }

    /// Every record in iteration order, as a list (tests, and callers that index).
    pub fn to_vec(&self) -> Vec<Arc<T>> {
        self.iter().cloned().collect()
    }

    /// Every record: layers in (article, analyst) order, each by position.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<T>> + '_ {
        self.layers.values().flatten()
    }

    /// The layers that hold records, with their records (sorted by position).
    pub fn layers(&self) -> impl Iterator<Item = (&LayerKey, &[Arc<T>])> + '_ {
        self.layers.iter().map(|(k, v)| (k, v.as_slice()))
    }

    /// The records of one analyst on one article, by position.
    pub fn layer(&self, article: ArticleId, analyst: &AnalystId) -> &[Arc<T>] {
        self.layers
            .get(&(article, analyst.clone()))
            .map_or(&[], Vec::as_slice)
    }

    /// The layers of one article (each analyst's records on it, by position).
    pub fn layers_of(
        &self,
        article: ArticleId,
    ) -> impl Iterator<Item = (&AnalystId, &[Arc<T>])> + '_ {
        self.layers
            .range((article, AnalystId::default())..)
            .take_while(move |((a, _), _)| *a == article)
            .map(|((_, analyst), v)| (analyst, v.as_slice()))
    }

    /// Every record on one article (analyst by analyst, each by position).
    pub fn in_article(&self, article: ArticleId) -> impl Iterator<Item = &Arc<T>> + '_ {
        self.layers_of(article).flat_map(|(_, v)| v.iter())
    }

    /// How many records an article has.
    pub fn count_in_article(&self, article: ArticleId) -> usize {
        self.layers_of(article).map(|(_, v)| v.len()).sum()
    }

    /// The analysts with records, each once, in id order.
    pub fn analysts(&self) -> Vec<&AnalystId> {
        let mut out: Vec<&AnalystId> = self.layers.keys().map(|(_, a)| a).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Adds a record; a record with the same id is refused (the store is unchanged).
    pub fn insert(&mut self, record: Arc<T>) -> Result<(), DuplicateId> {
        let id = record.id();
        if self.by_id.contains_key(&id) {
            return Err(DuplicateId(id));
        }
        self.by_id.insert(id, record.clone());
        let layer = self
            .layers
            .entry((record.article(), record.analyst().clone()))
            .or_default();
        let key = order_key(&*record);
        let at = layer.partition_point(|r| order_key(&**r) < key);
        layer.insert(at, record);
        Ok(())
    }

    /// Takes the record with this id out of the store.
    pub fn remove(&mut self, id: Uuid) -> Option<Arc<T>> {
        let record = self.by_id.remove(&id)?;
        let layer_key = (record.article(), record.analyst().clone());
        if let Some(layer) = self.layers.get_mut(&layer_key) {
            let key = order_key(&*record);
            let at = layer.partition_point(|r| order_key(&**r) < key);
            if layer.get(at).is_some_and(|r| r.id() == id) {
                layer.remove(at);
            } else if let Some(at) = layer.iter().position(|r| r.id() == id) {
                // Unreachable while the invariant holds; kept so a record never stays behind.
                layer.remove(at);
            }
            if layer.is_empty() {
                self.layers.remove(&layer_key);
            }
        }
        Some(record)
    }

    /// Puts `record` in place of the record with the same id (moving it to its new layer or
    /// place); returns the old one, or gives `record` back when no record has its id.
    pub fn replace(&mut self, record: Arc<T>) -> Result<Arc<T>, Arc<T>> {
        let Some(old) = self.remove(record.id()) else {
            return Err(record);
        };
        self.insert(record)
            .expect("the id was just removed, so it is free");
        Ok(old)
    }

    /// Takes every record out.
    pub fn clear(&mut self) {
        self.by_id.clear();
        self.layers.clear();
    }

    /// Takes out the records `take` accepts and returns them.
    pub fn take_where(&mut self, mut take: impl FnMut(&T) -> bool) -> Vec<Arc<T>> {
        let ids: Vec<Uuid> = self.iter().filter(|r| take(r)).map(|r| r.id()).collect();
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    /// Changes every record through `change` (a migration or re-keying); records whose layer or
    /// place changed are moved.
    pub fn map_all(&mut self, change: impl FnMut(&mut Arc<T>)) {
        let mut records: Vec<Arc<T>> = self.iter().cloned().collect();
        records.iter_mut().for_each(change);
        *self = Self::from_records(records)
            .unwrap_or_else(|DuplicateId(id)| panic!("a change of records made {id} appear twice"));
    }
}

impl<'a, T: Layered> IntoIterator for &'a LayeredStore<T> {
    type Item = &'a Arc<T>;
    type IntoIter =
        std::iter::Flatten<std::collections::btree_map::Values<'a, LayerKey, Vec<Arc<T>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.layers.values().flatten()
    }
}

impl<T: Layered + Serialize> Serialize for LayeredStore<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|r| &**r))
    }
}

impl<'de, T: Layered + Deserialize<'de>> Deserialize<'de> for LayeredStore<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let records = Vec::<T>::deserialize(deserializer)?;
        Self::from_records(records.into_iter().map(Arc::new)).map_err(|DuplicateId(id)| {
            serde::de::Error::custom(format!("the id {id} is used twice"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Note {
        id: Uuid,
        article: ArticleId,
        analyst: AnalystId,
        range: TextRange,
    }

    impl Layered for Note {
        fn id(&self) -> Uuid {
            self.id
        }
        fn article(&self) -> ArticleId {
            self.article
        }
        fn analyst(&self) -> &AnalystId {
            &self.analyst
        }
        fn range(&self) -> TextRange {
            self.range
        }
    }

    fn note(article: ArticleId, analyst: &str, start: usize) -> Arc<Note> {
        Arc::new(Note {
            id: Uuid::new_v4(),
            article,
            analyst: AnalystId::new(analyst),
            range: TextRange {
                start,
                end: start + 3,
            },
        })
    }

    #[test]
    fn records_are_found_by_id_and_by_layer_in_position_order() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut store = LayeredStore::new();
        let late = note(a, "dana", 50);
        let early = note(a, "dana", 5);
        let other = note(a, "ana-lopez", 20);
        let elsewhere = note(b, "dana", 0);
        for n in [&late, &early, &other, &elsewhere] {
            store.insert(n.clone()).unwrap();
        }
        assert_eq!(store.len(), 4);
        assert_eq!(store.get(late.id), Some(&late));
        let dana = AnalystId::new("dana");
        let ids: Vec<Uuid> = store.layer(a, &dana).iter().map(|n| n.id).collect();
        assert_eq!(ids, [early.id, late.id], "by position");
        assert_eq!(store.count_in_article(a), 3);
        assert_eq!(store.in_article(b).count(), 1);
        // Iteration: layers in (article, analyst) order.
        let all: Vec<Uuid> = store.iter().map(|n| n.id).collect();
        assert_eq!(all, [other.id, early.id, late.id, elsewhere.id]);
        assert_eq!(store.insert(early.clone()), Err(DuplicateId(early.id)));
    }

    #[test]
    fn replace_moves_a_record_and_remove_empties_its_layer() {
        let a = Uuid::from_u128(1);
        let mut store = LayeredStore::new();
        let n = note(a, "dana", 10);
        store.insert(n.clone()).unwrap();
        let mut moved = (*n).clone();
        moved.analyst = AnalystId::new("gold");
        moved.range = TextRange { start: 1, end: 2 };
        let old = store.replace(Arc::new(moved.clone())).unwrap();
        assert_eq!(old, n);
        assert!(store.layer(a, &AnalystId::new("dana")).is_empty());
        assert_eq!(store.layer(a, &AnalystId::new("gold"))[0].range.start, 1);
        assert_eq!(
            store.remove(n.id).map(|r| r.analyst.clone()),
            Some(moved.analyst)
        );
        assert!(store.is_empty() && store.layers().next().is_none());
        assert!(store.replace(n.clone()).is_err(), "nothing to replace");
    }

    #[test]
    fn duplicate_ids_are_refused_when_building() {
        let n = note(Uuid::from_u128(1), "dana", 0);
        assert!(LayeredStore::from_records([n.clone(), n.clone()]).is_err());
    }
}
