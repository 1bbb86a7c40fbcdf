"""The SQLite response cache: keyed by prompt id+version, model and input hash."""

import threading

from reviewer.llm.cache import ResponseCache, input_hash

MESSAGES = [{"role": "system", "content": "s"}, {"role": "user", "content": "项目支出12.5万元"}]


def test_hit_only_for_the_same_prompt_version_model_and_input(tmp_path):
    cache = ResponseCache(tmp_path)
    digest = input_hash(MESSAGES)
    cache.put("extract_claims", 1, "m", digest, '{"claims": []}')
    assert cache.get("extract_claims", 1, "m", digest) == '{"claims": []}'
    assert cache.get("extract_claims", 2, "m", digest) is None
    assert cache.get("extract_claims", 1, "other", digest) is None
    assert cache.get("find_contradictions", 1, "m", digest) is None
    changed = input_hash([MESSAGES[0], {"role": "user", "content": "项目支出12.6万元"}])
    assert changed != digest
    assert cache.get("extract_claims", 1, "m", changed) is None


def test_survives_a_new_instance_and_is_thread_safe(tmp_path):
    cache = ResponseCache(tmp_path)

    def writer(i):
        cache.put("p", 1, "m", f"h{i}", f'{{"i": {i}}}')

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again = ResponseCache(tmp_path)
    assert [again.get("p", 1, "m", f"h{i}") for i in range(20)] == [f'{{"i": {i}}}' for i in range(20)]
