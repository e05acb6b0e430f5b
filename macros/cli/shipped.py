"""The example files this tool has shipped in plans/, by the SHA-256 of their bytes.

`handbook init` removes a file only when its bytes are one of these: an example nobody edited.
Append (never remove) when an example changes; tests/test_init.py keeps plans/ covered.
"""
from __future__ import annotations

SHIPPED_EXAMPLES: dict[str, str] = {
    "0bf5f507767e634cd9d1346da4687aa1089adecf8db072981ff53342e9fc785b": "support-replies.measurements.csv",
    "0c754be75d2cdc069f830fe7884e00ebbd0f966d5bb716203a6e4aaf62c9487b": "marketing-drafts.yaml",
    "1d166fd5302983a0001ee6eca117ac2babf1547f79fcc8feeff1d5f96271105b": "marketing-drafts.yaml",
    "6468de5f9d2edd83d45a212664917ecc3495cceb29070800a68e6bb43506b746": "support-replies.yaml",
    "82e9d8aad4c1559aaac7fa235138cd2d2f20d48f199a8d09379f1e707ab91867": "hr-policy-answers.measurements.csv",
    "9ff6bd392099fc8560b7c16947442b693d24dfd08d06f06e6855a9c8603dce56": "support-replies.yaml",
    "bb3e5760213a1998cbad33ecde1878a9a5823f0267e91ec576fae0f64310537e": "support-replies.yaml",
    "bd771f8e0c46a026108e4339a224323d9d663b493415710298e681b6fb029fd2": "hr-policy-answers.yaml",
    "ca8561c5f9f7cea04002ee94f5aae1dc56276e7e28333ac3b66558d7a54dd926": "hr-policy-answers.yaml",
    "d809955a1b493518e8755dcf35b08fc846a0372f1b4aae3e5a32fda41526c307": "_org.yaml",
    "fa4d0e3ed67de8e1487bfecfcab8db2371f37607cc68b75bbc49abf66ab39604": "marketing-drafts.measurements.csv",
    "fd71798d3eaec88af678143e327e12989ce988ba7ef115e16b04d2b1afc7604f": "hr-policy-answers.yaml",
    "eb186a7fd601bf6402f5d92389ff250e4233ef64cc59c1ce69edcbb845d019a5": "hr-policy-answers.yaml",
    "17803c591c757c00832ec6613c29a696deac9e843bc103cd555b7e622ce8ab82": "marketing-drafts.yaml",
    "7c9edf4d2d44b6b16f27cca0b99c57b828ef3d64f571234a0b292397cadbc6d9": "support-replies.yaml",
    "c5c5c978b21e015cbb076b289c942b86b47b76b02f9b20d21a5957be7c94ce07": "_org.yaml",
    "5ed644ee40f6499e286bef9d492d23235e361cf188bc9f5b7249749231f38311": "hr-policy-answers.yaml",
    "f14bace58342c16cbc93e15a3a006522f0601b5b14b2e0637191f12e2a5b8179": "_org.yaml",
    "c4972b1e10f47a00e321d169c61f9195d5e55230236531868428a5a7e4cf0397": "support-replies.yaml",
    "add6afb38907fffd8fbbf86d581393a06f239726119ab22f4b35997c6c815084": "hr-policy-answers.yaml",
    "604118775505e3ce0728e59954c16f944daafe3d54db72c736b0942a9572a3eb": "_org.yaml",
    "5f68b8611282bb0b0711ed0ddd6a8451cf98fa125e591cbad2da11b73e3ab274": "hr-policy-answers.yaml",
    "be1db6cd1bd3984c4cdc5767f554c98956c162ff07223365f662d29c153bf090": "_faq.yaml",
    "d7302106f425e65be1212539aaba117c4a560848faa6672c42b08633ca886cfb": "support-replies.yaml",
    "7ad712f203fe2377abe7feb696393c1cceac0f7fb1f40b472fa52d02baf4f3b7": "support-replies.yaml",
    "8f5e42830a3950ebfb033e912b827a7b952a5c0947a7c961b91a4d939ecda262": "_org.yaml",
    "afec9a6656e517819e0d6019d4269a3892260a6a0c826eeaa7bc4bb7fcf48760": "_org.yaml",
}
