"""star_constellation: "{} is part of the constellation named? Answer:" (translated by the project).

Catalogue names (Bayer and Flamsteed designations such as "Iota Orionis", Gliese, 3C, BD
numbers) stay as written in every language: they are international, and their Chinese and
Japanese forms ("猎户座ι", "オリオン座ι星") would contain the answer. Stars with a proper name take
the language's name (Deneb: 天津四, デネブ). Constellations: the usual name in each language
(Chinese: the astronomical name first, the zodiac name accepted; Japanese: the official kana
name first, the kanji form accepted)."""

TEMPLATES = {
    "de": "{} gehört zum Sternbild? Antwort:",
    "es": "¿{} forma parte de la constelación de? Respuesta:",
    "fr": "{} fait partie de la constellation ? Réponse :",
    "zh": "{}所在的星座是？答案：",
    "ja": "{}が属する星座は？答え：",
}

LEXICON = """
Cygnus | Schwan / Cygnus | Cisne / Cygnus | Cygne | 天鹅座 / 天鵝座 | はくちょう座 / 白鳥座
Libra | Waage / Libra | Libra | Balance | 天秤座 | てんびん座 / 天秤座
Crux | Kreuz des Südens / Südliches Kreuz / Crux | Cruz del Sur / Crux | Croix du Sud | 南十字座 | みなみじゅうじ座 / 南十字座
Leo | Löwe / Leo | Leo | Lion | 狮子座 / 獅子座 | しし座 / 獅子座
Orion | Orion | Orión / Orion | Orion | 猎户座 / 獵戶座 | オリオン座
Perseus | Perseus | Perseo / Perseus | Persée | 英仙座 | ペルセウス座
Virgo | Jungfrau / Virgo | Virgo | Vierge | 室女座 / 处女座 / 處女座 | おとめ座 / 乙女座
Pegasus | Pegasus | Pegaso / Pegasus | Pégase | 飞马座 / 飛馬座 | ペガスス座 / ペガサス座
Pisces | Fische / Pisces | Piscis | Poissons | 双鱼座 / 雙魚座 | うお座 / 魚座
Sagittarius | Schütze / Sagittarius | Sagitario | Sagittaire | 人马座 / 人馬座 / 射手座 | いて座 / 射手座
Indus | Indianer / Indus | Indio / Indus | Indien | 印第安座 | インディアン座
Gemini | Zwillinge / Gemini | Géminis | Gémeaux | 双子座 / 雙子座 | ふたご座 / 双子座
Hydra | Wasserschlange / Hydra | Hidra / Hydra | Hydre | 长蛇座 / 長蛇座 | うみへび座 / 海蛇座
Hercules | Herkules / Hercules | Hércules | Hercule | 武仙座 | ヘルクレス座
Cassiopeia | Kassiopeia / Cassiopeia | Casiopea | Cassiopée | 仙后座 | カシオペヤ座 / カシオペア座
Andromeda | Andromeda | Andrómeda | Andromède | 仙女座 | アンドロメダ座
Cancer | Krebs / Cancer | Cáncer | Cancer | 巨蟹座 | かに座 / 蟹座
Aquarius | Wassermann / Aquarius | Acuario | Verseau | 宝瓶座 / 寶瓶座 / 水瓶座 | みずがめ座 / 水瓶座
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
deneb | = | = | = | 天津四 | デネブ
zubenelgenubi | = | = | = | 氐宿一 | ズベンエルゲヌビ
gacrux | = | = | = | 十字架三 | ガクルックス
mu_leonis
iota_orionis
50_persei_e
x_persei
pi1_orionis
gliese_179
beta_virginis
omicron_virginis
15_pegasi
112_piscium
35_pegasi
gamma_pegasi
9_sagittarii
eta_pegasi
56_pegasi
van_maanen_s_star | Van Maanens Stern | Estrella de Van Maanen | Étoile de Van Maanen | 范玛宁星 | ファン・マーネン星
3c_273
7_piscium
ross_154
4c_06_69
4c_04_42
nu_indi
gamma_geminorum
alphard | = | = | = | 星宿一 | アルファルド
gamma_herculis
epsilon_hydrae
yy_geminorum
gamma_hydrae
lambda_hydrae
upsilon1_hydrae
mu_cassiopeiae
lambda_andromedae
gj_28
mu2_cancri
gliese_49
beta_aquarii
94_aquarii_a
6_persei
pi_andromedae
iota_cancri_a
pi_aquarii
kappa_andromedae
81_cancri_ab
gn_andromedae
1_aquarii
theta_aquarii
bd_59_2723
"""
