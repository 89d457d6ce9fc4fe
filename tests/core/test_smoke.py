def test_login_dashboard_and_example_module(client, make_user, login_as, api_token):
    user = make_user("member_manager")
    assert client.get("/dashboard").status_code == 302
    login_as(user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "exemplar widget" in page
    assert client.get("/exemplar/").status_code == 200
    response = client.get("/api/v1/exemplar/notes", headers=api_token(user))
    assert response.status_code == 200 and response.json["total"] == 0
    assert client.get("/api/v1/exemplar/notes").status_code == 401
