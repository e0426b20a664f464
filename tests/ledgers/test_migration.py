"""m0007 indexes the names a database held before it, so search finds them at once."""
from archive_service import migrations, models
from archive_service.db import bind, database
from archive_service.services.accounts import users
from archive_service.services.ledgers import search
from tests.test_migrations import empty_urls, write_first_release_data  # noqa: F401


def test_r3_m0007_indexes_the_names_already_there(empty_urls):  # noqa: F811
    (url,) = empty_urls(1)
    bind(url)
    with database.connection_context():
        migrations.upgrade(to=1)
        write_first_release_data()
        migrations.upgrade()
        archivist = users.actor_of(models.User.get(models.User.username == "arch"), "127.0.0.1")
        hits = search.search(archivist, "张三")["items"]
        assert [(h["kind"], h["title"]) for h in hits] == [("archive", "XD-2026-0001"), ("project", "P-1 流动资金贷款"),
                                                           ("customer", "张三")]
        assert [h["kind"] for h in search.search(archivist, "资金")["items"]] == ["archive", "project"]
        assert not models.ArchiveFile.get().imported
