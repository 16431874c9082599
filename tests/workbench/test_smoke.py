from django.urls import reverse

from .helpers import login


def test_a_round_solves_and_every_page_answers(client, world):
    login(client, world.officer)
    r = world.round
    assert client.get(reverse("workbench:home")).status_code == 200
    assert client.get(reverse("workbench:round", args=[r.pk])).status_code == 200
    resp = client.post(reverse("workbench:solve", args=[r.pk]),
                       {"policy": "default"})
    assert resp.status_code == 302
    solve = r.solves.get()
    assert solve.status == "done", solve.message
    for name, args in [("proposal", [r.pk, solve.pk]),
                       ("household", [r.pk, "H-00001"]),
                       ("dwelling", [r.pk, "D-00001"]),
                       ("history", [r.pk]), ("import", [r.pk])]:
        resp = client.get(reverse(f"workbench:{name}", args=args))
        assert resp.status_code == 200, (name, resp.content[:3000])
