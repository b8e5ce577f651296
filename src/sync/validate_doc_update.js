function (newDoc, oldDoc, userCtx, secObj) {
  // Tandem's rule for every shared database (a user's own database, a pair's, a group's): people write only as
  // themselves. CouchDB runs this on every write, replicated ones (new_edits=false) included, so a client cannot
  // slip a document "by" someone else into a partner's or group's feed. One ES5 function expression, no comments
  // outside it: CouchDB compiles the source as given, and the app include_str!s this file into design documents.
  var roles = userCtx.roles || [];
  var admins = (secObj && secObj.admins) || {};
  var adminNames = admins.names || [];
  var adminRoles = admins.roles || [];
  var i;

  // Server admins and this database's admins may do anything (repairs, migrations, moderation).
  if (roles.indexOf('_admin') !== -1 || adminNames.indexOf(userCtx.name) !== -1) {
    return;
  }
  for (i = 0; i < adminRoles.length; i++) {
    if (roles.indexOf(adminRoles[i]) !== -1) {
      return;
    }
  }

  // A facilitator (by role, as the shared databases' members list them) may hide or show a group
  // post, and change nothing else of it but the time of the change (updated_at).
  if (oldDoc && oldDoc.type === 'post' && roles.indexOf('facilitator') !== -1 && !newDoc._deleted) {
    var onlyHidden = true;
    var key;
    for (key in newDoc) {
      if (key !== 'hidden' && key !== 'updated_at' && key.charAt(0) !== '_' && JSON.stringify(newDoc[key]) !== JSON.stringify(oldDoc[key])) {
        onlyHidden = false;
      }
    }
    for (key in oldDoc) {
      if (key !== 'hidden' && key !== 'updated_at' && key.charAt(0) !== '_' && !Object.prototype.hasOwnProperty.call(newDoc, key)) {
        onlyHidden = false;
      }
    }
    if (onlyHidden) {
      return;
    }
  }

  // A stored document with an author belongs to that author: only they may change or delete it.
  if (oldDoc && Object.prototype.hasOwnProperty.call(oldDoc, 'author') && oldDoc.author !== userCtx.name) {
    throw { forbidden: 'Only the author of this document may change or delete it.' };
  }
  // A new version may name an author only when that author is the person writing it.
  if (Object.prototype.hasOwnProperty.call(newDoc, 'author') && newDoc.author !== userCtx.name) {
    throw { forbidden: 'A document may name only the person writing it as its author.' };
  }
}
