from ktui.session import Session

from .conftest import pod


async def test_the_session_sees_objects_created_in_its_namespace(session: Session) -> None:
    pods = await session.client.resource("pods")
    await pods.create(pod("web"))
    listed = await pods.table(session.namespace)
    assert [row.name for row in listed.rows] == ["web"]
