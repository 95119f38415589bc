// The seven inventory object collections: create, read, replace, delete, conflicts.
#include "admin_fixture.h"

namespace sztp::admin::testing {
namespace {

using nlohmann::json;

struct Kind {
  std::string collection;
  json (*make)(const std::string&);
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = {
      {"device-types", &AdminWorld::deviceType},
      {"owners", &AdminWorld::owner},
      {"images", &AdminWorld::image},
      {"scripts", &AdminWorld::script},
      {"configurations", &AdminWorld::configuration},
      {"onboarding-profiles", &AdminWorld::onboardingProfile},
      {"redirect-profiles", &AdminWorld::redirectProfile},
  };
  return all;
}

TEST_F(AdminTest, EveryCollectionCreatesReadsReplacesAndDeletes) {
  addBasics();  // profiles reference images, scripts and configurations
  for (const auto& kind : kinds()) {
    SCOPED_TRACE(kind.collection);
    const std::string base = "/api/v1/" + kind.collection;
    const json body = kind.make("second");

    auto created = call("POST", base, body);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), base + "/second");
    EXPECT_TRUE(created.header("sztp-revision").has_value());
    EXPECT_EQ(created.identity, "token:ops");

    auto again = call("POST", base, body);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(reason(again), "admin-already-exists");

    auto read = call("GET", base + "/second");
    ASSERT_EQ(read.status, 200) << read.body;
    // What comes back decodes to what was sent (the codec fills defaults).
    auto kindId =
        registry::objectKindFromName(kind.collection.substr(0, kind.collection.size() - 1));
    ASSERT_TRUE(kindId.has_value());
    auto sent = registry::objectFromJson(*kindId, body);
    auto got = registry::objectFromJson(*kindId, parsed(read));
    ASSERT_TRUE(sent.ok() && got.ok());
    EXPECT_EQ(*sent, *got);

    auto listed = parsed(call("GET", base));
    ASSERT_EQ(listed["items"].size(), 2u) << listed.dump();
    EXPECT_EQ(listed["items"][1]["name"], "second");  // sorted by name

    // PUT replaces (200), creates (201), and is idempotent.
    auto replaced = call("PUT", base + "/second", body);
    EXPECT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(call("PUT", base + "/second", body).status, 200);
    auto third = call("PUT", base + "/third", kind.make("third"));
    EXPECT_EQ(third.status, 201) << third.body;

    EXPECT_EQ(call("DELETE", base + "/second").status, 204);
    EXPECT_EQ(call("DELETE", base + "/third").status, 204);
    auto gone = call("GET", base + "/second");
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(reason(gone), "not-found");
    EXPECT_EQ(call("DELETE", base + "/second").status, 404);
  }
}

TEST_F(AdminTest, PutTakesTheNameFromThePathAndRefusesAnotherOne) {
  json body = AdminWorld::deviceType("x");
  body.erase("name");
  auto created = call("PUT", "/api/v1/device-types/from-path", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(parsed(created)["name"], "from-path");

  auto mismatch = call("PUT", "/api/v1/device-types/one", AdminWorld::deviceType("other"));
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(reason(mismatch), "admin-name-mismatch");
}

TEST_F(AdminTest, RemovingAReferencedObjectIs409InUse) {
  addBasics();
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  for (const auto* path : {"/api/v1/owners/acme", "/api/v1/device-types/dpu", "/api/v1/images/os-2",
                           "/api/v1/onboarding-profiles/full"}) {
    auto reply = call("DELETE", path);
    EXPECT_EQ(reply.status, 409) << path << reply.body;
    EXPECT_EQ(reason(reply), "in-use") << path;
    EXPECT_EQ(call("GET", path).status, 200) << "still there: " << path;
  }
}

TEST_F(AdminTest, DanglingReferenceIs409AndInvalidObjectIs400) {
  auto dangling = call("POST", "/api/v1/onboarding-profiles", AdminWorld::onboardingProfile("p"));
  EXPECT_EQ(dangling.status, 409) << dangling.body;
  EXPECT_EQ(reason(dangling), "dangling-reference");

  json badImage = AdminWorld::image("bad");
  badImage["sha256"] = "abcd";
  auto invalid = call("POST", "/api/v1/images", badImage);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(reason(invalid), "invalid-object");
  EXPECT_NE(parsed(invalid)["error"]["message"].get<std::string>().find("sha256"),
            std::string::npos)
      << invalid.body;

  json unknownKey = AdminWorld::script("s");
  unknownKey["colour"] = "blue";
  auto strict = call("POST", "/api/v1/scripts", unknownKey);
  EXPECT_EQ(reason(strict), "invalid-object") << strict.body;
}

TEST_F(AdminTest, MalformedBodiesAreRefusedBeforeTheRegistry) {
  auto syntax = call("POST", "/api/v1/scripts", std::string("{\"name\": "));
  EXPECT_EQ(syntax.status, 400);
  EXPECT_EQ(reason(syntax), "admin-body-malformed");
  EXPECT_NE(syntax.body.find("at byte"), std::string::npos) << syntax.body;

  auto deep = call("POST", "/api/v1/scripts", std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(reason(deep), "admin-body-malformed");
  EXPECT_NE(deep.body.find("nested deeper"), std::string::npos);

  auto duplicate =
      call("POST", "/api/v1/scripts", std::string(R"({"name": "a", "name": "b", "content": ""})"));
  EXPECT_EQ(reason(duplicate), "admin-body-malformed");
  EXPECT_NE(duplicate.body.find("appears twice"), std::string::npos) << duplicate.body;

  auto notObject = call("POST", "/api/v1/scripts", std::string("[1, 2]"));
  EXPECT_EQ(reason(notObject), "admin-body-malformed");

  auto media = call("POST", "/api/v1/scripts", AdminWorld::script().dump(), "text/yaml");
  EXPECT_EQ(media.status, 415);
  EXPECT_EQ(reason(media), "admin-media-type-unsupported");
  // application/json with parameters, and no Content-Type at all, are read.
  EXPECT_EQ(call("POST", "/api/v1/scripts", AdminWorld::script("a").dump(),
                 "application/json; charset=utf-8")
                .status,
            201);
  EXPECT_EQ(call("POST", "/api/v1/scripts", AdminWorld::script("b").dump(), "").status, 201);
}

TEST(AdminLimitsTest, OversizedBodyIs413) {
  AdminWorld world;
  AdminLimits limits;
  limits.maxBodyBytes = 1000;
  ASSERT_TRUE(world.build(std::nullopt, limits));
  json body = AdminWorld::script("big");
  body["content"] = base64Encode(Bytes(2000, 'x'));
  auto reply = world.call("POST", "/api/v1/scripts", body);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(AdminWorld::reason(reply), "request-body-too-large");
}

TEST_F(AdminTest, UnknownPathsMethodsAndParameters) {
  auto unknown = call("GET", "/api/v1/widgets");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(reason(unknown), "admin-resource-unknown");
  EXPECT_EQ(call("GET", "/").status, 404);

  auto method = call("PATCH", "/api/v1/owners/acme");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(reason(method), "method-not-allowed");
  EXPECT_EQ(method.header("allow"), "GET, PUT, DELETE");

  auto param = call("GET", "/api/v1/owners?colour=blue");
  EXPECT_EQ(param.status, 400);
  EXPECT_EQ(reason(param), "admin-parameter-invalid");

  auto escape = call("GET", "/api/v1/owners/%2e%2e");
  EXPECT_EQ(escape.status, 403);
  auto badEncoding = call("GET", "/api/v1/owners/a%zz");
  EXPECT_EQ(badEncoding.status, 400);
}

}  // namespace
}  // namespace sztp::admin::testing
