"""Countries: English | de | es | fr | zh | ja (first form canonical, then accepted variants)."""

COUNTRIES = """
Sweden | Schweden | Suecia | Suède | 瑞典 | スウェーデン
Germany | Deutschland | Alemania | Allemagne | 德国 / 德國 | ドイツ
Spain | Spanien | España | Espagne | 西班牙 | スペイン
Somalia | Somalia | Somalia | Somalie | 索马里 / 索馬里 / 索馬利亞 | ソマリア
Italy | Italien | Italia | Italie | 意大利 / 義大利 | イタリア
Ireland | Irland | Irlanda | Irlande | 爱尔兰 / 愛爾蘭 | アイルランド
Netherlands | Niederlande / Holland | Países Bajos / Holanda | Pays-Bas / Hollande | 荷兰 / 荷蘭 | オランダ
Hungary | Ungarn | Hungría | Hongrie | 匈牙利 | ハンガリー
France | Frankreich | Francia | France | 法国 / 法國 | フランス
India | Indien | India | Inde | 印度 | インド
Canada | Kanada | Canadá | Canada | 加拿大 | カナダ
Lithuania | Litauen | Lituania | Lituanie | 立陶宛 | リトアニア
Poland | Polen | Polonia | Pologne | 波兰 / 波蘭 | ポーランド
Serbia | Serbien | Serbia | Serbie | 塞尔维亚 / 塞爾維亞 | セルビア
Switzerland | Schweiz | Suiza | Suisse | 瑞士 | スイス
Romania | Rumänien | Rumania / Rumanía | Roumanie | 罗马尼亚 / 羅馬尼亞 | ルーマニア
Austria | Österreich | Austria | Autriche | 奥地利 / 奧地利 | オーストリア
Peru | Peru | Perú | Pérou | 秘鲁 / 秘魯 | ペルー
Iraq | Irak | Irak / Iraq | Irak | 伊拉克 | イラク
Turkey | Türkei | Turquía | Turquie | 土耳其 | トルコ
Indonesia | Indonesien | Indonesia | Indonésie | 印度尼西亚 / 印尼 / 印度尼西亞 | インドネシア
Russia | Russland | Rusia | Russie | 俄罗斯 / 俄羅斯 | ロシア
Pakistan | Pakistan | Pakistán | Pakistan | 巴基斯坦 | パキスタン
Singapore | Singapur | Singapur | Singapour | 新加坡 | シンガポール
Japan | Japan | Japón | Japon | 日本 | 日本
Morocco | Marokko | Marruecos | Maroc | 摩洛哥 | モロッコ
Greece | Griechenland | Grecia | Grèce | 希腊 / 希臘 | ギリシャ / ギリシア
Ukraine | Ukraine | Ucrania | Ukraine | 乌克兰 / 烏克蘭 | ウクライナ
Belgium | Belgien | Bélgica | Belgique | 比利时 / 比利時 | ベルギー
Australia | Australien | Australia | Australie | 澳大利亚 / 澳洲 / 澳大利亞 | オーストラリア / 豪州
United States of America | Vereinigte Staaten / USA | Estados Unidos | États-Unis | 美国 / 美國 | アメリカ合衆国 / アメリカ / 米国
United Kingdom | Vereinigtes Königreich / Großbritannien | Reino Unido | Royaume-Uni | 英国 / 英國 | イギリス / 英国
China | China | China | Chine | 中国 / 中國 | 中国
"""
