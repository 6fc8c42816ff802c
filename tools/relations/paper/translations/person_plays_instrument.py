"""person_plays_instrument: "{} plays the? Answer:" (translated by the project).

The article before the instrument depends on the instrument's gender in German, Spanish and
French, so the translated templates name the instrument ("das Instrument") instead."""

from translations.people import PEOPLE as SHARED_SUBJECTS  # noqa: F401

TEMPLATES = {
    "de": "{} spielt das Instrument? Antwort:",
    "es": "¿{} toca el instrumento? Respuesta:",
    "fr": "{} joue de l'instrument ? Réponse :",
    "zh": "{}演奏的乐器是？答案：",
    "ja": "{}が演奏する楽器は？答え：",
}

LEXICON = """
piano | Klavier / Piano | piano | piano | 钢琴 / 鋼琴 | ピアノ
trumpet | Trompete | trompeta | trompette | 小号 / 小號 / 喇叭 | トランペット
guitar | Gitarre | guitarra | guitare | 吉他 | ギター
violin | Geige / Violine | violín | violon | 小提琴 | バイオリン / ヴァイオリン
singing | Gesang | canto | chant | 唱歌 / 歌唱 / 声乐 / 聲樂 | 歌 / 歌唱 / ボーカル
"""

# id | de | es | fr | zh | ja (a bare id: the written name everywhere)
SUBJECTS = """
arthur_grumiaux | = | = | = | 阿蒂尔·格鲁米欧 | アルテュール・グリュミオー
kye_palmer
roger_ingram
chris_daughtry
drew_shirley
david_gates
peter_head
alberto_nepomuceno
pete_lesperance
vlatko_stefanovski
wolfgang_sawallisch | = | = | = | 沃尔夫冈·萨瓦利施 | ヴォルフガング・サヴァリッシュ
toshiko_akiyoshi | = | = | = | 秋吉敏子 | 秋吉敏子
al_haig
yves_nat
lubka_kolessa
henry_schradieck
georges_mathias
alan_rubin
sterling_morrison
donald_tovey
lewis_kaplan
jimmy_page | = | = | = | 吉米·佩奇 | ジミー・ペイジ
eddie_palmieri
grant_kirkhope
ashley_hutchings
ruth_laredo
henry_busse
valery_sigalevitch
michael_denner
peter_rainer
tony_levin | = | = | = | 托尼·莱文 | トニー・レヴィン
franz_schmidt | = | = | = | 弗朗茨·施密特 | フランツ・シュミット
doug_raney
suna_kan
red_nichols
willie_dixon | = | = | = | 威利·迪克森 | ウィリー・ディクスン
pyotr_stolyarsky | Pjotr Stoljarski | = | Piotr Stoliarski | 彼得·斯托利亚尔斯基 | ピョートル・ストリャルスキー
antonio_rolla
duncan_druce
edin_karamazov
hamilton_harty
fanny_davies
ryszard_bakst
daniel_mongrain
sidney_de_paris
louis_plaidy
nadia_reisenberg
seth_lakeman
"""
