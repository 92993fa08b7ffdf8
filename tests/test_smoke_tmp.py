import json
from tests.conftest import User

PLANS = {"anonymous": {"/api/": {"per_minute": 3}}, "pro": {"/api/users/": {"per_minute": 5, "lifetime": 7}}}

def test_smoke(smart, call, rf_user, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)
    run = call()
    codes = [run(rf_user("/api/items/")).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = run(rf_user("/api/items/"))
    print(r.headers, r.content)
    u = User(pk=1, plan="pro")
    codes = [run(rf_user(f"/api/users/{i}/", user=u)).status_code for i in range(7)]
    assert codes == [200]*5 + [429]*2
    frozen_clock.advance(70)
    codes = [run(rf_user(f"/api/users/{i}/", user=u)).status_code for i in range(4)]
    r = run(rf_user("/api/users/1/", user=u))
    print(r.headers, r.content)
    assert codes == [200, 200, 429, 429]
