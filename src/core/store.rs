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

/// How many pieces the id index is cut into: a copy of the store shares them all, and an edit
/// after a copy copies only the one piece it touches (1/256 of the index).
const ID_SHARDS: usize = 256;

/// One piece of the id index.
type IdShard<T> = HashMap<Uuid, Arc<T>, foldhash::fast::RandomState>;

/// The piece of the id index that holds `id` (a v4 or v7 uuid's last byte is random).
fn shard_of(id: Uuid) -> usize {
    usize::from(id.as_bytes()[15]) % ID_SHARDS
}

/// Records indexed by id and by (article, analyst). See the module docs.
///
/// Cloning is cheap and does not grow with the number of records: the id index is cut into
/// shared pieces and each layer is shared, so a snapshot for a background save or an autosave
/// costs a few hundred reference counts, and the first edit after it copies one piece of the
/// index and one layer (copy on write).
#[derive(Debug, Clone)]
pub struct LayeredStore<T> {
    by_id: Vec<Arc<IdShard<T>>>,
    layers: BTreeMap<LayerKey, Arc<Vec<Arc<T>>>>,
    len: usize,
}

impl<T> Default for LayeredStore<T> {
    fn default() -> Self {
        // One empty piece shared by every slot: an empty store costs one allocation.
        let empty = Arc::new(IdShard::default());
        Self {
            by_id: vec![empty; ID_SHARDS],
            layers: BTreeMap::new(),
            len: 0,
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
        let (store, duplicates) = Self::from_records_keeping_first(records);
        match duplicates.first() {
            Some(record) => Err(DuplicateId(record.id())),
            None => Ok(store),
        }
    }

    /// A store of `records`, built in one pass (a file being read); of records sharing an id
    /// the first is kept and the later ones are returned.
    pub fn from_records_keeping_first(
        records: impl IntoIterator<Item = Arc<T>>,
    ) -> (Self, Vec<Arc<T>>) {
        let mut store = Self::new();
        let mut duplicates = Vec::new();
        let mut shards: Vec<IdShard<T>> = (0..ID_SHARDS).map(|_| IdShard::default()).collect();
        let mut unsorted: BTreeMap<LayerKey, Vec<Arc<T>>> = BTreeMap::new();
        // Records come grouped by layer (files are written that way): the current run is
        // kept aside so that its key is not looked up, nor its analyst copied, per record.
        let mut run: Option<(LayerKey, Vec<Arc<T>>)> = None;
        for record in records {
            let id = record.id();
            match shards[shard_of(id)].entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    duplicates.push(record);
                    continue;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(record.clone());
                }
            }
            let same_layer = run.as_ref().is_some_and(|((article, analyst), _)| {
                *article == record.article() && analyst == record.analyst()
            });
            if !same_layer {
                if let Some((key, records)) = run.take() {
                    unsorted.entry(key).or_default().extend(records);
                }
                run = Some(((record.article(), record.analyst().clone()), Vec::new()));
            }
            if let Some((_, records)) = &mut run {
                records.push(record);
            }
        }
        if let Some((key, records)) = run {
            unsorted.entry(key).or_default().extend(records);
        }
        for (key, mut layer) in unsorted {
            // Already in order when read from a file this store wrote: one pass to check.
            if !layer.is_sorted_by_key(|r| order_key(&**r)) {
                layer.sort_by_key(|r| order_key(&**r));
            }
            store.len += layer.len();
            store.layers.insert(key, Arc::new(layer));
        }
        let empty = store.by_id[0].clone();
        store.by_id = shards
            .into_iter()
            .map(|shard| {
                if shard.is_empty() {
                    empty.clone()
                } else {
                    Arc::new(shard)
                }
            })
            .collect();
        (store, duplicates)
    }

    /// Fills the empty layer `key` with `records` at once (a layer file just read): much
    /// faster than one [`Self::insert`] each. Records whose id the store holds already (or
    /// that come twice) are returned, not added.
    pub fn put_layer(&mut self, key: LayerKey, records: Vec<Arc<T>>) -> Vec<Arc<T>> {
        let mut duplicates = Vec::new();
        let mut layer = Vec::with_capacity(records.len());
        for record in records {
            let id = record.id();
            let shard = Arc::make_mut(&mut self.by_id[shard_of(id)]);
            match shard.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => duplicates.push(record),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(record.clone());
                    layer.push(record);
                }
            }
        }
        if layer.is_empty() {
            return duplicates;
        }
        if !layer.is_sorted_by_key(|r| order_key(&**r)) {
            layer.sort_by_key(|r| order_key(&**r));
        }
        self.len += layer.len();
        match self.layers.get_mut(&key) {
            // Not empty after all: merge, keeping position order.
            Some(existing) => {
                let existing = Arc::make_mut(existing);
                existing.extend(layer);
                existing.sort_by_key(|r| order_key(&**r));
            }
            None => {
                self.layers.insert(key, Arc::new(layer));
            }
        }
        duplicates
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The record with this id.
    pub fn get(&self, id: Uuid) -> Option<&Arc<T>> {
        self.by_id[shard_of(id)].get(&id)
    }

    /// True when a record has this id.
    pub fn contains(&self, id: Uuid) -> bool {
        self.by_id[shard_of(id)].contains_key(&id)
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
        self.into_iter()
    }

    /// The layers that hold records, with their records (sorted by position).
    pub fn layers(&self) -> impl Iterator<Item = (&LayerKey, &[Arc<T>])> + '_ {
        self.layers.iter().map(|(k, v)| (k, v.as_slice()))
    }

    /// The layers as shared lists: a layer no edit touched keeps the same list (copy on
    /// write), so a save can tell unchanged layers by identity without reading them.
    pub fn shared_layers(&self) -> impl Iterator<Item = (&LayerKey, &Arc<Vec<Arc<T>>>)> + '_ {
        self.layers.iter()
    }

    /// One layer as a shared list (see [`Self::shared_layers`]).
    pub fn shared_layer(&self, key: &LayerKey) -> Option<&Arc<Vec<Arc<T>>>> {
        self.layers.get(key)
    }

    /// The records of one analyst on one article, by position.
    pub fn layer(&self, article: ArticleId, analyst: &AnalystId) -> &[Arc<T>] {
        self.layers
            .get(&(article, analyst.clone()))
            .map_or(&[], |layer| layer.as_slice())
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
        if self.contains(id) {
            return Err(DuplicateId(id));
        }
        Arc::make_mut(&mut self.by_id[shard_of(id)]).insert(id, record.clone());
        let layer = Arc::make_mut(
            self.layers
                .entry((record.article(), record.analyst().clone()))
                .or_default(),
        );
        let key = order_key(&*record);
        let at = layer.partition_point(|r| order_key(&**r) < key);
        layer.insert(at, record);
        self.len += 1;
        Ok(())
    }

    /// Takes the record with this id out of the store.
    pub fn remove(&mut self, id: Uuid) -> Option<Arc<T>> {
        if !self.contains(id) {
            return None;
        }
        let record = Arc::make_mut(&mut self.by_id[shard_of(id)]).remove(&id)?;
        self.len -= 1;
        let layer_key = (record.article(), record.analyst().clone());
        if let Some(shared) = self.layers.get_mut(&layer_key) {
            let layer = Arc::make_mut(shared);
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
        *self = Self::new();
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
    type IntoIter = std::iter::FlatMap<
        std::collections::btree_map::Values<'a, LayerKey, Arc<Vec<Arc<T>>>>,
        std::slice::Iter<'a, Arc<T>>,
        fn(&'a Arc<Vec<Arc<T>>>) -> std::slice::Iter<'a, Arc<T>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.layers.values().flat_map(|layer| layer.iter())
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
    fn a_copy_shares_everything_until_one_side_changes() {
        let a = Uuid::from_u128(1);
        let mut store = LayeredStore::new();
        let kept: Vec<Arc<Note>> = (0..1000).map(|i| note(a, "dana", i)).collect();
        for n in &kept {
            store.insert(n.clone()).unwrap();
        }
        let snapshot = store.clone();
        let dana = AnalystId::new("dana");
        assert!(std::ptr::eq(
            store.layer(a, &dana).as_ptr(),
            snapshot.layer(a, &dana).as_ptr()
        ));
        // An edit copies what it touches; the snapshot keeps what it had.
        let added = note(a, "dana", 7);
        store.insert(added.clone()).unwrap();
        let gone = store.remove(kept[0].id).unwrap();
        assert_eq!(store.len(), 1000);
        assert_eq!(snapshot.len(), 1000);
        assert!(snapshot.contains(gone.id) && !store.contains(gone.id));
        assert!(store.contains(added.id) && !snapshot.contains(added.id));
        assert_eq!(snapshot.layer(a, &dana).len(), 1000);
        assert!(store.iter().all(|n| store.get(n.id) == Some(n)));
        assert!(snapshot.iter().all(|n| snapshot.get(n.id) == Some(n)));
    }

    #[test]
    fn building_keeps_the_first_of_an_id_and_sorts_each_layer() {
        let a = Uuid::from_u128(1);
        let (late, early) = (note(a, "dana", 9), note(a, "dana", 2));
        let mut copy = (*late).clone();
        copy.range.start = 0;
        let (store, duplicates) = LayeredStore::from_records_keeping_first([
            late.clone(),
            note(a, "ana", 4),
            early.clone(),
            Arc::new(copy),
        ]);
        assert_eq!(store.len(), 3);
        assert_eq!(duplicates.len(), 1);
        assert_eq!(
            duplicates[0].range.start, 0,
            "the later copy is the one left out"
        );
        let ids: Vec<Uuid> = store
            .layer(a, &AnalystId::new("dana"))
            .iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(ids, [early.id, late.id]);
    }

    #[test]
    fn duplicate_ids_are_refused_when_building() {
        let n = note(Uuid::from_u128(1), "dana", 0);
        assert!(LayeredStore::from_records([n.clone(), n.clone()]).is_err());
    }
}
