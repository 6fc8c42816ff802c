"""person_occupation: "{} works as a? Answer:" (translated by the project).

Occupations take the person's grammatical gender where the language marks it (FEMALE: the
women among the evaluation facts); the other gender's form is accepted too."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "{} arbeitet als? Antwort:",
    "es": "¿{} trabaja como? Respuesta:",
    "fr": "{} travaille comme ? Réponse :",
    "zh": "{}的职业是？答案：",
    "ja": "{}の職業は？答え：",
}

FEMALE = {
    "iliana_fox", "joyce_quin_baroness_quin", "barbara_farrell_vucanovich", "anne_watanabe", "audrey_wise",
    "ryu_hyeon_kyeong", "lillian_leighton", "beatrice_hutton", "susannah_harker", "choi_myeong_gil",
}

LEXICON = """
actor | Schauspieler / Schauspielerin | actor / actriz | acteur / comédien / actrice | 演员 / 演員 | 俳優 / 役者 / 女優
actor#f | Schauspielerin / Schauspieler | actriz / actor | actrice / comédienne / acteur | 演员 / 演員 / 女演员 / 女演員 | 女優 / 俳優
composer | Komponist | compositor | compositeur | 作曲家 | 作曲家
architect | Architekt | arquitecto | architecte | 建筑师 / 建築師 | 建築家
architect#f | Architektin / Architekt | arquitecta / arquitecto | architecte | 建筑师 / 建築師 | 建築家
poet | Dichter / Lyriker / Poet | poeta | poète | 诗人 / 詩人 | 詩人
journalist | Journalist | periodista | journaliste | 记者 / 記者 / 新闻工作者 | ジャーナリスト / 記者
politician | Politiker | político | homme politique / politicien | 政治家 / 政治人物 | 政治家
politician#f | Politikerin / Politiker | política / político | femme politique / politicienne / homme politique | 政治家 / 政治人物 | 政治家
photographer | Fotograf / Photograph | fotógrafo | photographe | 摄影师 / 攝影師 | 写真家
physicist | Physiker | físico | physicien | 物理学家 / 物理學家 | 物理学者
novelist | Schriftsteller / Romanautor / Romancier | novelista / escritor | romancier / écrivain | 小说家 / 小說家 | 小説家 / 作家
economist | Ökonom / Wirtschaftswissenschaftler / Volkswirt | economista | économiste | 经济学家 / 經濟學家 | 経済学者 / エコノミスト
philosopher | Philosoph | filósofo | philosophe | 哲学家 / 哲學家 | 哲学者
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
robert_david_hall
george_thalben_ball
guy_pratt
william_hardy_wilson
subagio_sastrowardoyo
leo_fong
jon_jerde | = | = | = | 乔恩·捷得 | ジョン・ジャーディ
adam_carolla
iliana_fox
joyce_quin_baroness_quin | = | Joyce Quin, baronesa Quin | Joyce Quin, baronne Quin | = | =
rico_yan
rowland_hill | = | = | = | 罗兰·希尔 | ローランド・ヒル
david_gascoyne
nils_strindberg
leonard_wood | = | = | = | 伦纳德·伍德 | レナード・ウッド
joel_barlow | = | = | = | 乔尔·巴洛 | ジョエル・バーロウ
william_pember_reeves
maynard_sonntag
barbara_farrell_vucanovich
maurice_duverger | = | = | = | 莫里斯·迪韦尔热 | モーリス・デュヴェルジェ
william_jennings_bryan | = | = | = | 威廉·詹宁斯·布赖恩 | ウィリアム・ジェニングス・ブライアン
nolan_gerard_funk
anne_watanabe | = | = | = | 渡边杏 | 渡辺杏
gerald_kyd
jean_louis_tixier_vignancour
abrar_alvi
alexander_wittek
audrey_wise
a_edward_sutherland
ryu_hyeon_kyeong
walter_hines_page
yakubu_gowon | = | = | = | 雅库布·戈翁 | ヤクブ・ゴウォン
lillian_leighton
willem_de_sitter | = | = | = | 威廉·德西特 | ウィレム・ド・ジッター
kevin_norton
beatrice_hutton
susannah_harker
gunnar_birkerts
pip_carter
choi_myeong_gil
genki_sudo | = | = | = | 须藤元气 | 須藤元気
eric_etebari
bob_shacochis
sahir_ali_bagga
henri_hauser
perrin_beatty
dominic_dierkes
"""
