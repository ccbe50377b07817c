//! Tagging: what a provider does to the tags of every taggable type ([`Schema::taggable`])
//! that no type says on its own. The AWS provider merges its default tags under each object's
//! own into a computed attribute of all tags, and splits them apart again in what it reads.
//! The engine calls these for each taggable type, and names no attribute.
//!
//! [`Schema::taggable`]: crate::schema::Schema::taggable

use crate::value::Value;

pub trait Tagging: Send + Sync {
    /// Completes a planned object from its configured tags (which may be unknown).
    fn plan(&self, planned: &mut Value);

    /// Splits an object just read into the tags the configuration owns and the rest; `prior`
    /// is the object as last stored (null when it is being imported).
    fn read(&self, remote: &mut Value, prior: &Value);

    /// A created or updated object, read back: its own tags are those `planned` configured.
    fn applied(&self, value: &mut Value, planned: &Value);
}
