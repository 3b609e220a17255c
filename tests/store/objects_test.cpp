// objects: commits and tags as git writes them, parsed and emitted byte for
// byte; fsck's rules; what each object names.
#include "git_cli.hpp"
#include "model_fixture.hpp"
#include <atoll/store/objects.hpp>

#include <fstream>

namespace atl::store::testing {
namespace {

using unix_target::temp_dir;

std::span<const std::byte> as_span(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(Objects, CommitWithEveryKindOfHeaderRoundTrips) {
  const std::string tree(40, 'a');
  const std::string text =
      "tree " + tree + "\nparent " + std::string(40, 'b') + "\nparent " + std::string(40, 'c') +
      "\nauthor A U Thor <author@example.org> 1700000000 -0000"
      "\ncommitter C O Mitter <c@example.org> 1700000999 +0530"
      "\nencoding ISO-8859-1"
      "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAAB\n -----END PGP SIGNATURE-----"
      "\nx-unknown value\n\nsubject\n\nbody without final newline";
  auto c = parse_commit(hash_format::sha1, as_span(text));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->parents.size(), 2u);
  EXPECT_EQ(c->author.name, "A U Thor");
  EXPECT_EQ(c->author.tz, "-0000");
  EXPECT_EQ(c->committer.tz_minutes(), 330);
  ASSERT_EQ(c->extra.size(), 3u);
  EXPECT_EQ(c->extra[1].name, "gpgsig");
  EXPECT_EQ(c->extra[1].value,
            "-----BEGIN PGP SIGNATURE-----\n\niQEzBAAB\n-----END PGP SIGNATURE-----");
  EXPECT_EQ(c->message, "subject\n\nbody without final newline");
  auto again = emit_commit(*c).value();
  EXPECT_EQ(text, conformance::text(again));
}

TEST(Objects, MalformedCommitsAreCorrupt) {
  const std::string t = "tree " + std::string(40, 'a') + "\n";
  const std::string sig = " A <a@b> 1700000000 +0000\n";
  for (const std::string& bad : {
           std::string("parent ") + std::string(40, 'b') + "\n" + t + "author" + sig + "committer" +
               sig + "\nm",
           t + "committer" + sig + "author" + sig + "\nm",
           t + "author" + sig + "\nm",
           t + "author A <a@b> 01700000000 +0000\ncommitter" + sig + "\nm",
           t + "author A <a@b> 1700000000 +00\ncommitter" + sig + "\nm",
           t + "author A a@b 1700000000 +0000\ncommitter" + sig + "\nm",
           "tree zzz\nauthor" + sig + "committer" + sig + "\nm",
           t + "author" + sig + "committer" + sig + "tree " + std::string(40, 'a') + "\n\nm",
           t + "author" + sig + "committer" + sig,
       }) {
    auto r = parse_commit(hash_format::sha1, as_span(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), errc::corrupt) << bad;
  }
  commit_object c;
  c.author.name = "bad <name>";
  EXPECT_ERRC(emit_commit(c), errc::invalid_argument);
}

TEST(Objects, FsckRulesForTrees) {
  auto id = object_id::from_hex(std::string(40, '1')).value();
  auto entry = [&](std::string mode, std::string name) {
    std::string s = mode + " " + name;
    s.push_back('\0');
    s.append(reinterpret_cast<const char*>(id.raw().data()), id.size());
    return s;
  };
  EXPECT_TRUE(check_object(hash_format::sha1, object_kind::tree,
                           as_span(entry("100644", "a") + entry("40000", "b"))));
  for (const std::string& bad :
       {entry("100644", "b") + entry("100644", "a"), entry("100644", "a") + entry("100644", "a"),
        entry("100664", "a"), entry("040000", "a"), entry("100644", ".git"), entry("100644", ".."),
        entry("100644", "a/b"), entry("100644", "a").substr(0, 12)}) {
    EXPECT_FALSE(check_object(hash_format::sha1, object_kind::tree, as_span(bad)))
        << bad.substr(0, 20);
  }
}

TEST(Objects, GitsCommitsAndTagsRoundTrip) {
  if (!git_available()) GTEST_SKIP() << "git is not installed";
  for (const char* format : {"sha1", "sha256"}) {
    SCOPED_TRACE(format);
    const hash_format f = std::string(format) == "sha1" ? hash_format::sha1 : hash_format::sha256;
    temp_dir d;
    const std::string g =
        "git -C " + d.path() + " -c user.name=Tagger -c user.email=t@example.org ";
    ASSERT_EQ(sh(std::string("git init -q --object-format=") + format + " " + d.path()).status, 0);
    std::ofstream(d / "f") << "x\n";
    ASSERT_EQ(sh(g + "add f").status, 0);
    ASSERT_EQ(
        sh("GIT_AUTHOR_NAME=Au GIT_AUTHOR_EMAIL=au@example.org GIT_AUTHOR_DATE='@1600000000 -0700' "
           "GIT_COMMITTER_DATE='@1700000000 +0000' " +
           g + "commit -q -m 'one line' -m 'and a body'")
            .status,
        0);
    ASSERT_EQ(sh(g + "tag -a v1 -m 'release v1'").status, 0);
    const std::string commit_id = trimmed(sh(g + "rev-parse HEAD").out);
    const std::string tag_id = trimmed(sh(g + "rev-parse v1").out);
    const std::string commit_text = sh(g + "cat-file commit " + commit_id).out;
    const std::string tag_text = sh(g + "cat-file tag " + tag_id).out;
    auto c = parse_commit(f, as_span(commit_text));
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->author.name, "Au");
    EXPECT_EQ(c->author.tz, "-0700");
    EXPECT_EQ(c->committer.name, "Tagger");
    EXPECT_EQ(conformance::text(emit_commit(*c).value()), commit_text);
    EXPECT_EQ(hash_object(f, object_kind::commit, emit_commit(*c).value()).hex().view(), commit_id);
    auto t = parse_tag(f, as_span(tag_text));
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_EQ(t->tag, "v1");
    EXPECT_EQ(t->object.hex().view(), commit_id);
    ASSERT_TRUE(t->tagger);
    EXPECT_EQ(conformance::text(emit_tag(*t).value()), tag_text);
    auto refs = references(f, raw_object{object_kind::tag, conformance::bytes(tag_text)}).value();
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(refs[0].hex().view(), commit_id);
    // A tag atoll makes is one git accepts.
    tag_object mine{t->object,    object_kind::commit,
                    "atoll-made", signature{"A", "a@example.org", 1700000001, "+0100"},
                    {},           "made by atoll\n"};
    const auto mine_bytes = emit_tag(mine).value();
    auto w = sh(g + "hash-object -w -t tag --stdin", conformance::text(mine_bytes));
    EXPECT_EQ(trimmed(w.out), hash_object(f, object_kind::tag, mine_bytes).hex().view());
    ASSERT_EQ(sh(g + "update-ref refs/tags/atoll-made " + trimmed(w.out)).status, 0);
    auto fsck = sh(g + "fsck --strict 2>&1");
    EXPECT_EQ(fsck.status, 0) << fsck.out;
  }
}

}  // namespace
}  // namespace atl::store::testing
