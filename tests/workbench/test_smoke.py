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


def test_the_proposal_names_household_types_in_the_users_language(
        client, world):
    """Tests that the figures' household types are words of the page's
    language, not the contract's codes."""
    from workbench.models import Profile

    login(client, world.officer)
    r = world.round
    client.post(reverse("workbench:solve", args=[r.pk]),
                {"policy": "default"})
    solve = r.solves.get()
    url = reverse("workbench:proposal", args=[r.pk, solve.pk])
    english = client.get(url).content.decode()
    assert "family with children" in english
    assert "family_with_children" not in english
    Profile.objects.filter(user=world.officer).update(language="nb")
    norwegian = client.get(url).content.decode()
    assert "barnefamilie" in norwegian
    assert "family_with_children" not in norwegian
